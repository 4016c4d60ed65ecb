package dev.kvtier.live.serving;

import dev.kvtier.model.cost.RooflineCostModel;
import dev.kvtier.model.hicache.HiCacheConfig;

/**
 * A live worker's numbers from its settings: the cost model, and the tiers in pages. The device tier is
 * {@code tp × device_memory × mem_fraction_static} of KV (the emulated HBM holds no weights, since no model runs);
 * the host tier is {@code --hicache-size} GB per rank or {@code --hicache-ratio} × device, as SGLang sizes it.
 * Prefetch thresholds and timeouts are SGLang's baseline defaults unless the extra config overrides them.
 */
public record WorkerPlan(RooflineCostModel cost, HiCacheConfig cache, long pageBytes)
{

    public static WorkerPlan of(final ServerSettings s, final MooncakeBackendConfig backend)
    {
        final RooflineCostModel cost = new RooflineCostModel(s.model(), s.gpu(), s.tpSize());
        final double kvPerToken = RooflineCostModel.instanceKvBytesPerToken(s.model(), s.tpSize());
        final long pageBytes = cost.kvBytes(s.pageSize());
        final long devicePages = (long)(s.tpSize() * (double)s.deviceMemory() * s.memFractionStatic() / kvPerToken
            / s.pageSize());
        if (devicePages < 1)
        {
            throw new IllegalArgumentException("--device-memory: " + s.deviceMemory() + " bytes hold no page of "
                + pageBytes + " bytes at --mem-fraction-static " + s.memFractionStatic() + "; raise it");
        }
        final long hostPages = !s.hierarchicalCache() ? 0 : HiCacheConfig.hostPages(devicePages, s.hicacheRatio(),
            s.hicacheSizeGb(), s.tpSize(), kvPerToken, s.pageSize());
        final int threshold = backend != null && backend.prefetchThreshold() >= 0 ? backend.prefetchThreshold()
            : HiCacheConfig.DEFAULT_PREFETCH_THRESHOLD_TOKENS;
        final double base = backend != null && backend.prefetchTimeoutBaseS() >= 0 ? backend.prefetchTimeoutBaseS()
            : HiCacheConfig.DEFAULT_PREFETCH_TIMEOUT_BASE_S;
        final double perKi = backend != null && backend.prefetchTimeoutPerKiS() >= 0
            ? backend.prefetchTimeoutPerKiS() : HiCacheConfig.DEFAULT_PREFETCH_TIMEOUT_PER_KI_S;
        final long max = backend != null && backend.prefetchTimeoutMaxS() >= 0
            ? (long)(backend.prefetchTimeoutMaxS() * 1e9) : Long.MAX_VALUE;
        final HiCacheConfig cache = new HiCacheConfig(s.pageSize(), (int)Math.min(Integer.MAX_VALUE / 4, devicePages),
            (int)Math.min(Integer.MAX_VALUE / 4, hostPages), s.writePolicy(), s.prefetchPolicy(), s.storage(),
            threshold, (long)(base * 1e9), (long)(perKi * 1e9), max, HiCacheConfig.DEFAULT_LOAD_BACK_THRESHOLD_TOKENS,
            HiCacheConfig.DEFAULT_PREFETCH_CAPACITY_FRACTION, s.evictionPolicy());
        return new WorkerPlan(cost, cache, pageBytes);
    }
}
