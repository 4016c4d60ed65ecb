package dev.kvtier.live.bench;

import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.client.SegmentDirectory;
import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.live.config.TransferProtocol;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * {@code kvtier store-bench}: N clients (one thread and one connection set each) write {@code ops} values
 * zero-copy into the store, then read every one back and compare every byte. Each value is a distinct window of a
 * random pattern (up to 65,536 distinct values), so a value returned under the wrong key is caught as a mismatch,
 * not only a corrupted one. Bandwidth is bytes over the wall time of a phase, verification included. With
 * {@code getRounds > 1} every value is read back (and verified) that many times, for a longer, steadier GET
 * measurement without a larger segment. The clients move bytes over the store's {@code protocol} ({@code tcp} or
 * {@code rdma}), which must be the one the store service runs.
 */
public final class StoreBench
{
    private static final int DISTINCT = 65_536;

    /** What to run. */
    public record Options(String master, String metadataServer, int clients, long valueSize, int ops, int getRounds,
        String protocol, String deviceName)
    {
        /** Over TCP, the NICs left to the system. */
        public Options(final String master, final String metadataServer, final int clients, final long valueSize,
            final int ops, final int getRounds)
        {
            this(master, metadataServer, clients, valueSize, ops, getRounds, "tcp", "");
        }

        public Options
        {
            TransferProtocol.check("--protocol", protocol, metadataServer);
            try
            {
                MasterRpcClient.address(master);
                SegmentDirectory.requireSupported(metadataServer);
            }
            catch (final IllegalArgumentException e)
            {
                throw new IllegalArgumentException((e.getMessage().startsWith("metadata_server") ? "--metadata-server"
                    : "--master") + ": " + e.getMessage());
            }
            if (getRounds < 1)
            {
                throw new IllegalArgumentException("--get-rounds must be >= 1, got " + getRounds);
            }
            if (clients < 1)
            {
                throw new IllegalArgumentException("--clients must be >= 1, got " + clients);
            }
            if (valueSize < 1 || valueSize > (1L << 30))
            {
                throw new IllegalArgumentException("--value-size must be in [1 B, 1 GiB], got " + valueSize);
            }
            if (ops < clients)
            {
                throw new IllegalArgumentException("--ops must be >= --clients (" + clients + "), got " + ops);
            }
        }
    }

    /**
     * One phase's figures: {@code ops} attempted, {@code succeeded} of them; rates count succeeded operations only
     * (a failed put moved no bytes), and are NaN when none succeeded.
     */
    public record Phase(long ops, long succeeded, double opsPerS, double bytesPerS, double p50Us, double p99Us,
        double p999Us)
    {
    }

    /**
     * The whole run.
     *
     * @param errors        failed operations, misses not included
     * @param errorsByCause failed operations per error code name ({@code RPC_FAIL}, {@code TRANSFER_FAIL}, ...)
     * @param misses        reads of keys the store no longer had (evicted, or never stored because their put
     *                      failed): a cache answering "not here", not a failure
     * @param masterIssue   "master host:port unreachable since …" when the master was lost during the run, else null
     */
    public record Result(Phase put, Phase get, long errors, long mismatches, int clients, long valueSize,
        SortedMap<String, Long> errorsByCause, long misses, String masterIssue)
    {
    }

    private StoreBench()
    {
    }

    public static Result run(final Options o) throws Exception
    {
        final ByteBuffer pattern = ByteBuffer.allocateDirect((int)(o.valueSize() + DISTINCT));
        final SplittableRandom rnd = new SplittableRandom(42);
        while (pattern.remaining() >= 8)
        {
            pattern.putLong(rnd.nextLong());
        }
        pattern.clear();
        final String prefix = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-";
        final List<DistributedStore> stores = new ArrayList<>();
        try
        {
            for (int c = 0; c < o.clients(); c++)
            {
                stores.add(DistributedStore.setup(StoreConfig.of(o.master(), o.metadataServer(), 0, 0)
                    .withProtocol(o.protocol(), o.deviceName())));
            }
            final AtomicLong mismatches = new AtomicLong();
            final AtomicReference<String> stop = new AtomicReference<>();
            final AtomicLong misses = new AtomicLong();
            final ConcurrentHashMap<String, AtomicLong> causes =
                new ConcurrentHashMap<>();
            final AtomicReference<String> masterIssue =
                new AtomicReference<>();
            final BiConsumer<DistributedStore, Long> failed = (store, code) ->
            {
                causes.computeIfAbsent(causeOf(code), k -> new AtomicLong()).incrementAndGet();
                final String issue = store.masterUnreachable();
                if (issue != null)
                {
                    masterIssue.compareAndSet(null, issue);
                }
            };
            final Phase put = phase(o, 1, stores, (store, i, dst, h) ->
            {
                final ByteBuffer src = window(pattern, i, o.valueSize());
                final long t0 = System.nanoTime();
                final int rc = store.putFrom(prefix + i, src);
                h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                if (rc == ErrorCode.NO_AVAILABLE_HANDLE.code() && stop.get() == null)
                {
                    stop.compareAndSet(null, "put of " + ByteSizes.format(o.valueSize()) + ": the master allocated "
                        + "no space (NO_AVAILABLE_HANDLE): no segment mounted at the master (start `kvtier store` "
                        + "first), or its segments are full (give fewer --ops or a smaller --value-size)");
                }
                if (rc != 0)
                {
                    failed.accept(store, (long)rc);
                }
                return rc == 0;
            }, pattern, stop);
            if (stop.get() != null)
            {
                throw new IllegalStateException(stop.get());
            }
            final Phase get = phase(o, o.getRounds(), stores, (store, i, dst, h) ->
            {
                dst.clear();
                final long t0 = System.nanoTime();
                final long n = store.getInto(prefix + i, dst);
                h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                if (n == ErrorCode.OBJECT_NOT_FOUND.code())
                {
                    misses.incrementAndGet();
                    return false;
                }
                if (n != o.valueSize())
                {
                    failed.accept(store, n < 0 ? n : Long.MIN_VALUE);
                    return false;
                }
                dst.limit((int)n);
                if (dst.mismatch(window(pattern, i, o.valueSize())) != -1)
                {
                    mismatches.incrementAndGet();
                    return false;
                }
                return true;
            }, pattern, new AtomicReference<>());
            stores.get(0).removeByRegex(Pattern.quote(prefix) + ".*", true);
            final TreeMap<String, Long> byCause = new TreeMap<>();
            causes.forEach((k, v) -> byCause.put(k, v.get()));
            final long errors = byCause.values().stream().mapToLong(Long::longValue).sum();
            return new Result(put, get, errors, mismatches.get(), o.clients(), o.valueSize(), byCause, misses.get(),
                masterIssue.get());
        }
        finally
        {
            for (final DistributedStore s : stores)
            {
                s.close();
            }
        }
    }

    /** An operation's failure as its error code's name; a read of the wrong length as {@code WRONG_LENGTH}. */
    static String causeOf(final long code)
    {
        if (code == Long.MIN_VALUE)
        {
            return "WRONG_LENGTH";
        }
        try
        {
            return ErrorCode.of((int)code).name();
        }
        catch (final IllegalArgumentException e)
        {
            return "CODE_" + code;
        }
    }

    private static ByteBuffer window(final ByteBuffer pattern, final int i, final long size)
    {
        final int offset = (int)((i * 7919L) % DISTINCT);
        return pattern.duplicate().position(offset).limit(offset + (int)size);
    }

    /** One operation; true when it succeeded. */
    private interface Op
    {
        boolean run(DistributedStore store, int i, ByteBuffer dst, Histogram h);
    }

    /** Runs a phase on every client; a non-null {@code stop} ends every client's loop at its next operation. */
    private static Phase phase(final Options o, final int rounds, final List<DistributedStore> stores, final Op op,
        final ByteBuffer pattern, final AtomicReference<String> stop) throws Exception
    {
        final AtomicLong succeeded = new AtomicLong();
        final Histogram all = new Histogram(3_600_000_000L, 3);
        final CyclicBarrier start = new CyclicBarrier(o.clients() + 1);
        final List<Thread> threads = new ArrayList<>();
        final List<Histogram> hs = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        for (int c = 0; c < o.clients(); c++)
        {
            final int client = c;
            final Histogram h = new Histogram(3_600_000_000L, 3);
            hs.add(h);
            final DistributedStore store = stores.get(c);
            final ByteBuffer dst = ByteBuffer.allocateDirect((int)o.valueSize());
            store.registerBuffer(dst);
            store.registerBuffer(pattern);
            final Thread t = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int round = 0; round < rounds; round++)
                    {
                        for (int i = client; i < o.ops() && stop.get() == null; i += o.clients())
                        {
                            if (op.run(store, i, dst, h))
                            {
                                succeeded.incrementAndGet();
                            }
                        }
                    }
                }
                catch (final Exception e)
                {
                    synchronized (failures)
                    {
                        failures.add(e);
                    }
                }
            }, "kvtier-bench-client-" + c);
            threads.add(t);
            t.start();
        }
        start.await();
        final long t0 = System.nanoTime();
        for (final Thread t : threads)
        {
            t.join();
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        for (final DistributedStore s : stores)
        {
            s.unregisterBuffer(pattern);
        }
        if (!failures.isEmpty())
        {
            throw new IllegalStateException("bench client failed: " + failures.get(0), failures.get(0));
        }
        for (final Histogram h : hs)
        {
            all.add(h);
        }
        final long ops = (long)o.ops() * rounds;
        final long ok = succeeded.get();
        return new Phase(ops, ok, ok == 0 ? Double.NaN : ok / seconds,
            ok == 0 ? Double.NaN : ok * (double)o.valueSize() / seconds,
            all.getValueAtPercentile(50), all.getValueAtPercentile(99), all.getValueAtPercentile(99.9));
    }
}
