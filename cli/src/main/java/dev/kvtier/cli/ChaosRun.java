package dev.kvtier.cli;

import dev.kvtier.live.bench.ChaosLoad;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.FileHandler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * A chaos run: starts a {@link ChaosCluster}, puts a {@link ChaosLoad} on it, and for {@code durationMs} injects
 * faults at random gaps: a store killed with SIGKILL and restarted on its port, the master killed and restarted on
 * its ports, half-sent RPC frames, garbage on a data port, a slow metadata body. The first round holds every kind
 * once in a shuffled order, then kinds are drawn uniformly; the seed fixes the kinds, gaps, targets and bytes (not
 * how long processes take to start). A run ends after {@code durationMs} or {@code maxFaults} faults (0: no limit),
 * whichever comes first. After the last fault the load goes on until every fault has recovered (an
 * operation that started after it succeeded) or {@code recoveryTimeoutMs} passed.
 */
final class ChaosRun
{
    /** What to run. */
    record Options(long durationMs, long seed, int stores, int clients, int valueSize, int keys, long segmentBytes,
        long minGapMs, long maxGapMs, long recoveryTimeoutMs, int maxFaults)
    {
        /** Share of the clients' operations that are puts, in percent. */
        static final int WRITE_PERCENT = 30;

        Options
        {
            // the load's own checks first (clients, keys, value size), with the addresses it gets later
            loadOptions("", "", clients, valueSize, keys, seed);
            if (maxFaults < 0)
            {
                throw new IllegalArgumentException("--faults must be >= 0 (0: as many as --duration allows), got "
                    + maxFaults);
            }
            if (minGapMs < 100 || maxGapMs < minGapMs)
            {
                throw new IllegalArgumentException("--min-gap must be >= 100 ms and <= --max-gap, got " + minGapMs
                    + " ms and " + maxGapMs + " ms");
            }
            if (stores < 1)
            {
                throw new IllegalArgumentException("--stores must be >= 1, got " + stores);
            }
            if ((long)clients * keys * valueSize > segmentBytes * stores / 2)
            {
                throw new IllegalArgumentException("--clients x --keys x --value-size must fit in half the stores' "
                    + "segments (" + stores + " x " + segmentBytes + " B), so that puts are not refused for space");
            }
        }
    }

    private static ChaosLoad.Options loadOptions(final String master, final String metadata, final int clients,
        final int valueSize, final int keys, final long seed)
    {
        return new ChaosLoad.Options(master, metadata, clients, valueSize, keys, Options.WRITE_PERCENT, seed);
    }

    /** What happened. */
    record Result(Options options, double seconds, List<ChaosFault> faults, ChaosLoad.Figures figures,
        List<String> stuckClients)
    {
        boolean unrecovered()
        {
            return faults.stream().anyMatch(f -> !f.recovered());
        }

        boolean passed()
        {
            return figures.wrongBytes() == 0 && figures.wrongReads() == 0 && !unrecovered()
                && stuckClients.isEmpty();
        }
    }

    /** kvtier's loggers, held so that the handler set on them stays while a run lasts. */
    private static final Logger CLIENT_LOG = Logger.getLogger("dev.kvtier");

    private final Options options;
    private final Path dir;
    private final List<ChaosFault> pending = new CopyOnWriteArrayList<>();
    private final List<ChaosFault> faults = Collections.synchronizedList(new ArrayList<>());

    ChaosRun(final Options options, final Path dir)
    {
        this.options = options;
        this.dir = dir;
    }

    /** Runs, sending this process's kvtier log (the clients' warnings, thousands of them) to {@code clients.log}. */
    Result run(final java.io.PrintWriter progress) throws Exception
    {
        final FileHandler clientLog = new FileHandler(dir.resolve("clients.log").toString(), true);
        clientLog.setFormatter(new SimpleFormatter());
        CLIENT_LOG.addHandler(clientLog);
        CLIENT_LOG.setUseParentHandlers(false);
        try
        {
            return runLogged(progress);
        }
        finally
        {
            CLIENT_LOG.setUseParentHandlers(true);
            CLIENT_LOG.removeHandler(clientLog);
            clientLog.close();
        }
    }

    private Result runLogged(final java.io.PrintWriter progress) throws Exception
    {
        final long t0 = System.nanoTime();
        final ExecutorService peers = Executors.newCachedThreadPool(r ->
        {
            final Thread t = new Thread(r, "kvtier-chaos-peer");
            t.setDaemon(true);
            return t;
        });
        try (ChaosCluster cluster = new ChaosCluster(dir, options.stores(), options.segmentBytes()))
        {
            cluster.start();
            final ChaosLoad load = ChaosLoad.start(loadOptions(cluster.rpc(), cluster.metadata(), options.clients(),
                options.valueSize(), options.keys(), options.seed()), this::succeeded);
            List<String> stuck = List.of();
            try
            {
                inject(cluster, peers, progress);
                final long deadline = System.nanoTime() + options.recoveryTimeoutMs() * 1_000_000L;
                while (!pending.isEmpty() && System.nanoTime() < deadline)
                {
                    Thread.sleep(50);
                }
                load.stop(70_000);
                stuck = load.stuck();
            }
            finally
            {
                load.close();
            }
            peers.shutdownNow();
            peers.awaitTermination(10, TimeUnit.SECONDS);
            return new Result(options, (System.nanoTime() - t0) / 1e9, List.copyOf(faults), load.figures(), stuck);
        }
    }

    private void succeeded(final long opStart, final long opEnd)
    {
        for (final ChaosFault f : pending)
        {
            if (f.offer(opStart, opEnd))
            {
                pending.remove(f);
            }
        }
    }

    private void inject(final ChaosCluster cluster, final ExecutorService peers, final java.io.PrintWriter progress)
        throws Exception
    {
        final SplittableRandom rnd = new SplittableRandom(options.seed());
        final List<ChaosFault.Kind> firstRound = new ArrayList<>(List.of(ChaosFault.Kind.values()));
        for (int i = firstRound.size() - 1; i > 0; i--)
        {
            Collections.swap(firstRound, i, rnd.nextInt(i + 1));
        }
        final long end = System.nanoTime() + options.durationMs() * 1_000_000L;
        final long started = System.nanoTime();
        for (int n = 0; ; n++)
        {
            final long gap = rnd.nextLong(options.minGapMs(), options.maxGapMs() + 1);
            final long at = System.nanoTime() + gap * 1_000_000L;
            if (at > end || options.maxFaults() > 0 && n >= options.maxFaults())
            {
                return;
            }
            Thread.sleep(gap);
            final ChaosFault.Kind kind = n < firstRound.size() ? firstRound.get(n)
                : ChaosFault.Kind.values()[rnd.nextInt(ChaosFault.Kind.values().length)];
            final SplittableRandom own = rnd.split();
            final long holdMs = own.nextLong(200, 3_000);
            final ChaosFault fault;
            switch (kind)
            {
                case STORE_KILL ->
                {
                    final int store = own.nextInt(cluster.storeCount());
                    cluster.killStore(store);
                    fault = begin(kind, "store-" + store + ", down " + holdMs / 3 + " ms");
                    Thread.sleep(holdMs / 3);
                    cluster.startStore(store);
                    fault.back(System.nanoTime());
                }
                case MASTER_RESTART ->
                {
                    cluster.killMaster();
                    fault = begin(kind, "down " + holdMs / 3 + " ms");
                    Thread.sleep(holdMs / 3);
                    cluster.startMaster();
                    fault.back(System.nanoTime());
                }
                case RPC_HALF_FRAMES ->
                {
                    fault = begin(kind, "held " + holdMs + " ms");
                    peers.execute(() -> quietly(() -> HostilePeer.halfSentFrames(cluster.rpcPort(), own, holdMs)));
                }
                case DATA_PORT_GARBAGE ->
                {
                    final int store = own.nextInt(cluster.storeCount());
                    fault = begin(kind, "store-" + store);
                    peers.execute(() -> quietly(() -> HostilePeer.dataPortGarbage(cluster.dataPort(store), own,
                        holdMs)));
                }
                default ->
                {
                    fault = begin(kind, "held " + holdMs + " ms");
                    peers.execute(() -> quietly(() -> HostilePeer.slowMetadataBody(cluster.metadataPort(), own,
                        holdMs)));
                }
            }
            progress.printf("%7.1f s  %-26s %s%n", (fault.startNanos - started) / 1e9, kind.label, fault.detail);
            progress.flush();
        }
    }

    private ChaosFault begin(final ChaosFault.Kind kind, final String detail)
    {
        final ChaosFault f = new ChaosFault(kind, detail, System.nanoTime());
        faults.add(f);
        pending.add(f);
        return f;
    }

    /** A hostile peer's action; the server refusing it (an I/O error on our side) is the expected outcome. */
    private interface PeerAction
    {
        void run() throws Exception;
    }

    private static void quietly(final PeerAction action)
    {
        try
        {
            action.run();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception e)
        {
            // refused or closed by the server: the outcome a hostile peer should get
        }
    }
}
