package dev.kvtier.model.cost;

import dev.kvtier.model.engine.CostModel;

/**
 * Roofline costs of one tensor-parallel instance. Prefill: {@code max(FLOPs / (tp × peak × MFU), weights / (tp ×
 * HBM bw))} with FLOPs {@code = 2 × active params × new tokens + attention FLOPs per pair × pairs} (the Mooncake
 * FAST'25 cost model's {@code l·(a·n²·d + b·n·d²)} in another form). Decode step: {@code max(FLOPs, (weights read
 * + KV read) / (tp × HBM bw × efficiency)) + step overhead}; an MoE step reads the experts the batch can touch.
 * Copies: KV bytes over the instance's PCIe links, one per GPU. With {@code tp > 1} both add the tensor-parallel
 * all-reduces, which SGLang does not overlap with compute: two per layer (after attention and after the MLP or
 * MoE block) of {@code tokens × hidden × 2} bytes, each a ring over NVLink: {@code 2 (tp − 1) / tp × bytes /
 * (NVLink × 0.8) + 8 µs}.
 *
 * <p>Efficiency constants: prefill MFU 0.55 and decode HBM efficiency 0.85 are typical of published vLLM/SGLang
 * profiles (Vidur, BLIS); the 2 ms prefill and 1 ms decode overheads stand for launch and scheduler time; 0.8 of
 * NVLink is the bus bandwidth NCCL's all-reduce reaches on large messages, and 8 µs per call the latency of
 * SGLang's custom all-reduce on small ones. They are fields so calibration can replace them.
 */
public final class RooflineCostModel implements CostModel
{
    public static final double PREFILL_MFU = 0.55;
    public static final double DECODE_MFU = 0.4;
    public static final double HBM_EFFICIENCY = 0.85;
    public static final double PCIE_EFFICIENCY = 0.8;
    public static final long PREFILL_OVERHEAD_NS = 2_000_000;
    public static final long DECODE_OVERHEAD_NS = 1_000_000;
    public static final double NVLINK_EFFICIENCY = 0.8;
    public static final long ALL_REDUCE_LATENCY_NS = 8_000;
    /** Activations are BF16. */
    private static final int ACTIVATION_BYTES = 2;

    private final ModelSpec model;
    private final int tp;
    private final double flopsPerNs;
    private final double hbmBytesPerNs;
    private final double pcieBytesPerNs;
    private final double kvBytesPerToken;
    private final double weightBytes;
    private final double activeWeightBytes;
    private final double flopsPerToken;
    /** Ring all-reduce cost of one activation row per layer pass, and the fixed cost of a step's all-reduces. */
    private final double allReduceNsPerToken;
    private final double allReduceFixedNs;

    public RooflineCostModel(final ModelSpec model, final GpuSpec gpu, final int tp)
    {
        this.model = model;
        this.tp = tp;
        this.flopsPerNs = tp * gpu.flops() / 1e9;
        this.hbmBytesPerNs = tp * gpu.hbmBytesPerSec() / 1e9;
        this.pcieBytesPerNs = tp * gpu.pcieBytesPerSec() * PCIE_EFFICIENCY / 1e9;
        this.kvBytesPerToken = instanceKvBytesPerToken(model, tp);
        this.weightBytes = model.weightBytes();
        this.activeWeightBytes = model.activeParams() * model.weightDtypeBytes();
        this.flopsPerToken = 2 * model.activeParams();
        final int calls = tp > 1 ? 2 * model.layers() : 0;
        this.allReduceNsPerToken = tp > 1 ? calls * 2.0 * (tp - 1) / tp * model.hidden() * ACTIVATION_BYTES
            / (gpu.nvlinkBytesPerSec() * NVLINK_EFFICIENCY / 1e9) : 0;
        this.allReduceFixedNs = (double)calls * ALL_REDUCE_LATENCY_NS;
    }

    /** The tensor-parallel all-reduces of one forward pass over {@code tokens} tokens (0 when tp is 1). */
    public long allReduceNs(final long tokens)
    {
        return (long)(allReduceFixedNs + allReduceNsPerToken * tokens);
    }

    /** KV bytes per token held by the whole instance: MLA's latent cache is replicated on every TP rank. */
    public static double instanceKvBytesPerToken(final ModelSpec model, final int tp)
    {
        return model.mla() ? (double)model.kvBytesPerToken() * tp : model.kvBytesPerToken();
    }

    @Override
    public long prefillNs(final long newTokens, final double attentionPairs)
    {
        final double flops = flopsPerToken * newTokens + model.attentionFlopsPerPair() * attentionPairs;
        final double compute = flops / (flopsPerNs * PREFILL_MFU);
        final double memory = weightBytes / (hbmBytesPerNs * HBM_EFFICIENCY);
        return (long)Math.max(compute, memory) + allReduceNs(newTokens) + PREFILL_OVERHEAD_NS;
    }

    @Override
    public long decodeStepNs(final int batch, final long contextTokens)
    {
        final double weightsRead = Math.min(weightBytes, activeWeightBytes * Math.max(1, batch));
        final double kvRead = (double)contextTokens * kvBytesPerToken;
        final double memory = (weightsRead + kvRead) / (hbmBytesPerNs * HBM_EFFICIENCY);
        final double flops = flopsPerToken * batch + model.attentionFlopsPerPair() * contextTokens;
        final double compute = flops / (flopsPerNs * DECODE_MFU);
        return (long)Math.max(memory, compute) + allReduceNs(batch) + DECODE_OVERHEAD_NS;
    }

    @Override
    public long hostToDeviceNs(final long tokens)
    {
        return (long)(tokens * kvBytesPerToken / pcieBytesPerNs);
    }

    @Override
    public long deviceToHostNs(final long tokens)
    {
        return hostToDeviceNs(tokens);
    }

    @Override
    public long kvBytes(final long tokens)
    {
        return (long)(tokens * kvBytesPerToken);
    }

    public int tp()
    {
        return tp;
    }
}
