package dev.kvtier.live.bench;

import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.ErrorCode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of a chaos run: clients that keep overwriting and reading back values whose every byte can be checked,
 * while faults are injected around them. Each client owns {@code slots} keys; a write removes its key and puts the
 * next version, whose bytes are a function of the key and the version (the first 16 bytes say which), so a read
 * that returns anything else (another key's value, an older version than the last acknowledged one, or a damaged
 * one) is counted as wrong bytes, never as a success. A read may return a version newer than the acknowledged one
 * only if its put was attempted and failed after the master took it (an ambiguous outcome). Misses (the master or
 * the store that held the key restarted) are counted apart from errors, which are counted by operation and cause.
 */
public final class ChaosLoad implements AutoCloseable
{
    /** Told of every operation that succeeded, with when it started and ended ({@link System#nanoTime()}). */
    public interface SuccessListener
    {
        void succeeded(long startNanos, long endNanos);
    }

    /** What to run: {@code clients} threads over {@code slots} keys each, {@code writePercent} of ops writes. */
    public record Options(String master, String metadataServer, int clients, int valueSize, int slots,
        int writePercent, long seed)
    {
        public Options
        {
            if (clients < 1)
            {
                throw new IllegalArgumentException("--clients must be >= 1, got " + clients);
            }
            if (valueSize < 16 || valueSize > (64 << 20))
            {
                throw new IllegalArgumentException("--value-size must be in [16 B, 64 MiB], got " + valueSize);
            }
            if (slots < 1)
            {
                throw new IllegalArgumentException("--keys must be >= 1, got " + slots);
            }
        }
    }

    /**
     * The figures so far.
     *
     * @param operations    puts, removes and gets attempted
     * @param succeeded     of them, those that succeeded (a verified read, an acknowledged put or remove)
     * @param errorsByCause failed operations by "op CAUSE" ({@code put RPC_FAIL}, {@code get TRANSFER_FAIL}, ...)
     * @param wrongBytes    bytes read that differ from the value they should have been
     * @param wrongReads    reads with any wrong byte, or an older version than the last acknowledged one
     * @param verifiedReads reads whose every byte was checked and right
     * @param misses        reads of a written key the store no longer had
     * @param longestOpMs   the longest single operation
     */
    public record Figures(long operations, long succeeded, SortedMap<String, Long> errorsByCause, long wrongBytes,
        long wrongReads, long verifiedReads, long misses, double longestOpMs)
    {
        public long errors()
        {
            return errorsByCause.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** After a failure a client waits this long before its next operation, as a real one would not spin. */
    private static final long ERROR_PAUSE_NANOS = 5_000_000L;

    private final Options options;
    private final SuccessListener listener;
    private final List<DistributedStore> stores = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentHashMap<String, AtomicLong> causes = new ConcurrentHashMap<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong wrongBytes = new AtomicLong();
    private final AtomicLong wrongReads = new AtomicLong();
    private final AtomicLong verifiedReads = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong longestNanos = new AtomicLong();
    private final String prefix;
    private volatile boolean running = true;

    private ChaosLoad(final Options options, final SuccessListener listener)
    {
        this.options = options;
        this.listener = listener;
        this.prefix = "chaos-" + Long.toHexString(options.seed()) + "-" + Long.toHexString(System.nanoTime()) + "-";
    }

    /** Connects the clients (the master must be up) and starts their loops. */
    public static ChaosLoad start(final Options options, final SuccessListener listener)
    {
        final ChaosLoad load = new ChaosLoad(options, listener);
        try
        {
            for (int c = 0; c < options.clients(); c++)
            {
                load.stores.add(DistributedStore.setup(StoreConfig.of(options.master(), options.metadataServer(),
                    0, 0)));
            }
        }
        catch (final RuntimeException e)
        {
            load.close();
            throw e;
        }
        for (int c = 0; c < options.clients(); c++)
        {
            final int client = c;
            final Thread t = new Thread(() -> load.loop(client), "kvtier-chaos-client-" + c);
            t.setDaemon(true);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    public Figures figures()
    {
        final TreeMap<String, Long> byCause = new TreeMap<>();
        causes.forEach((k, v) -> byCause.put(k, v.get()));
        return new Figures(operations.get(), succeeded.get(), byCause, wrongBytes.get(), wrongReads.get(),
            verifiedReads.get(), misses.get(), longestNanos.get() / 1e6);
    }

    private void loop(final int client)
    {
        final DistributedStore store = stores.get(client);
        final int size = options.valueSize();
        final ByteBuffer src = ByteBuffer.allocateDirect(size);
        final ByteBuffer dst = ByteBuffer.allocateDirect(size);
        final ByteBuffer want = ByteBuffer.allocateDirect(size);
        store.registerBuffer(src);
        store.registerBuffer(dst);
        final long[] acked = new long[options.slots()];
        final long[] attempted = new long[options.slots()];
        final SplittableRandom rnd = new SplittableRandom(options.seed() * 31 + client);
        while (running)
        {
            final int slot = rnd.nextInt(options.slots());
            final String key = prefix + client + "-" + slot;
            if (attempted[slot] == 0 || rnd.nextInt(100) < options.writePercent())
            {
                final long t0 = System.nanoTime();
                final int removed = store.remove(key, true);
                if (!done("remove", removed == 0 || removed == ErrorCode.OBJECT_NOT_FOUND.code(), removed, t0))
                {
                    continue;
                }
                final long version = ++attempted[slot];
                ValueBytes.fill(src, key, version);
                final long t1 = System.nanoTime();
                final int rc = store.putFrom(key, src.clear());
                if (done("put", rc == 0, rc, t1))
                {
                    acked[slot] = version;
                }
            }
            else
            {
                dst.clear();
                final long t0 = System.nanoTime();
                final long n = store.getInto(key, dst);
                if (n == ErrorCode.OBJECT_NOT_FOUND.code())
                {
                    operations.incrementAndGet();
                    misses.incrementAndGet();
                    continue;
                }
                if (n != size)
                {
                    done("get", false, n < 0 ? n : Long.MIN_VALUE, t0);
                    continue;
                }
                dst.clear();
                final long version = ValueBytes.version(dst, key);
                final long expected = version >= acked[slot] && version <= attempted[slot] && version > 0
                    ? version : acked[slot];
                ValueBytes.fill(want, key, expected);
                final long wrong = ValueBytes.differing(dst, want.clear());
                if (wrong > 0 || version < acked[slot])
                {
                    operations.incrementAndGet();
                    wrongReads.incrementAndGet();
                    wrongBytes.addAndGet(Math.max(wrong, 1));
                    continue;
                }
                verifiedReads.incrementAndGet();
                done("get", true, 0, t0);
            }
        }
    }

    /** Counts one operation started at {@code t0}; true when it succeeded. */
    private boolean done(final String op, final boolean ok, final long code, final long t0)
    {
        final long t1 = System.nanoTime();
        operations.incrementAndGet();
        longestNanos.accumulateAndGet(t1 - t0, Math::max);
        if (ok)
        {
            succeeded.incrementAndGet();
            listener.succeeded(t0, t1);
            return true;
        }
        causes.computeIfAbsent(op + " " + StoreBench.causeOf(code), k -> new AtomicLong()).incrementAndGet();
        java.util.concurrent.locks.LockSupport.parkNanos(ERROR_PAUSE_NANOS);
        return false;
    }

    /** Stops the clients (waiting up to {@code waitMs} for their current operation) and closes them. */
    public void stop(final long waitMs) throws InterruptedException
    {
        running = false;
        final long deadline = System.nanoTime() + waitMs * 1_000_000L;
        for (final Thread t : threads)
        {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        }
    }

    /** Names of the client threads still inside an operation after {@link #stop}: a hang. */
    public List<String> stuck()
    {
        return threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    @Override
    public void close()
    {
        running = false;
        for (final DistributedStore s : stores)
        {
            s.close();
        }
    }
}
