package dev.kvtier.live.serving;

import dev.kvtier.live.client.DataPlane;
import dev.kvtier.live.client.MasterChannel;
import dev.kvtier.live.client.SegmentDirectory;
import dev.kvtier.live.http.JettyHttpServer;
import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.live.runtime.RemoteLink;
import dev.kvtier.model.engine.EmulatedCompute;
import dev.kvtier.model.engine.ServingWorker;
import dev.kvtier.model.engine.WorkerConfig;
import dev.kvtier.model.engine.WorkerRole;
import dev.kvtier.model.engine.WorkerStats;
import dev.kvtier.model.hicache.KvPagePattern;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceRecorder;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code kvtier server}: one serving worker as a process. The worker is the simulator's {@link ServingWorker},
 * hosted on the live runtime with emulated compute; its L3 is the kvtier store, reached through the model's store
 * client over the master channel and the TCP transfer engine; its HTTP API ({@link ServingApi}) only turns
 * requests into node messages and the node's messages into answers.
 */
public final class ServingServer implements AutoCloseable
{
    private static final long MASTER_TIMEOUT_MS = 10_000;
    private static final int HTTP_THREADS = 512;

    private final ServerSettings settings;
    private final WorkerPlan plan;
    private final MooncakeBackendConfig backend;
    private final ServingFrontEnd frontEnd;
    private final LiveRuntime runtime;
    private final MasterChannel master;
    private final LiveWorkerMemory memory;
    private final ServingWorker worker;
    private final NodeRunner runner;
    private final JettyHttpServer http;
    private RecordingWriter recorder;

    private ServingServer(final ServerSettings settings, final Map<String, String> env) throws Exception
    {
        this.settings = settings;
        this.backend = settings.storage() ? MooncakeBackendConfig.resolve(settings.extraConfig(), env) : null;
        this.plan = WorkerPlan.of(settings, backend);
        this.frontEnd = new ServingFrontEnd(settings.pageSize());
        final KvPagePattern pattern = new KvPagePattern(plan.pageBytes(), settings.model().layers(),
            settings.tpSize());
        if (backend != null)
        {
            final String host = backend.localHostname();
            // checked before anything binds: a bad metadata_server is a one-line error with nothing to release
            final SegmentDirectory directory = new SegmentDirectory(backend.metadataServer());
            final DataPlane plane = DataPlane.open(backend.protocol(), host, -1, backend.deviceName(), 4, 30_000);
            final TransferEngine engine = plane.engine();
            try
            {
                this.master = new MasterChannel(backend.master(), (int)MASTER_TIMEOUT_MS, frontEnd).connect();
            }
            catch (final RuntimeException e)
            {
                // nothing owns the engine yet: its data port and threads would outlive the failed start
                engine.close();
                throw new IllegalStateException(e.getMessage(), e);
            }
            this.runtime = new LiveRuntime().transfers(settings.storageLatencyMs() > 0
                || settings.storageBandwidth() > 0 ? new ThrottledTransferEngine(engine, settings.storageLatencyMs(),
                settings.storageBandwidth()) : engine, directory);
            this.runtime.remote(master);
            try
            {
                this.memory = new LiveWorkerMemory(pattern, host, plane.segmentName(),
                    backend.globalSegmentSize() / settings.tpSize(), env);
            }
            catch (final RuntimeException e)
            {
                runtime.close();
                master.close();
                throw e;
            }
        }
        else
        {
            this.master = null;
            this.runtime = new LiveRuntime();
            this.runtime.remote(new RemoteLink()
            {
                @Override
                public void send(final NodeId to, final Message message)
                {
                    frontEnd.accept(to, message);
                }

                @Override
                public void expired(final NodeId from, final Message message)
                {
                }
            });
            this.memory = new LiveWorkerMemory(pattern, "localhost", "localhost:0", 0, env);
        }
        final long segment = backend == null ? 0 : backend.globalSegmentSize() / settings.tpSize();
        this.worker = new ServingWorker(new WorkerConfig(0, WorkerRole.COMBINED, plan.cache(),
            settings.chunkedPrefillSize(), settings.maxRunningRequests(), plan.cost(), ServingFrontEnd.ADDRESS,
            backend != null ? MasterChannel.MASTER : null, segment, false,
            EmulatedCompute.factory(settings.computeTimeScale()), memory, true));
        this.runner = runtime.add("worker", worker);
        if (master != null)
        {
            master.replyTo(runner);
        }
        frontEnd.worker(runner);
        runtime.start();
        this.http = new JettyHttpServer(settings.host(), settings.port(), HTTP_THREADS, "kvtier-server-http");
    }

    /**
     * Starts the worker, waits until its L3 client has mounted its segment (when it has a backend), then opens the
     * HTTP port.
     *
     * @throws IllegalStateException one line naming what failed (the master, the metadata service, a port)
     */
    public static ServingServer start(final ServerSettings settings, final Map<String, String> env) throws Exception
    {
        final ServingServer s = new ServingServer(settings, env);
        try
        {
            s.awaitStore();
            new ServingApi(s).routes(s.http);
            s.http.start();
            return s;
        }
        catch (final Exception | Error e)
        {
            s.close();
            throw e;
        }
    }

    private void awaitStore() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            final int code = runner.query(worker::storeReady).get(30, TimeUnit.SECONDS);
            if (code == 0)
            {
                return;
            }
            if (code < 0)
            {
                throw new IllegalStateException("the worker's store client could not mount its segment at "
                    + backend.master() + ": " + ErrorCode.of(code));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the master at " + backend.master() + " did not answer MountSegment "
                    + "in 30 s");
            }
            Thread.sleep(1);
        }
    }

    public int port()
    {
        return http.port();
    }

    /**
     * Records every request from now on into the empty directory {@code dir} (the recorded-trace format the
     * simulator writes too): a header with this server's settings, then each arrival and outcome as they happen.
     */
    public void recordTo(final java.nio.file.Path dir, final String versions) throws java.io.IOException
    {
        final TraceRecorder r = TraceRecorder.open(dir);
        r.writeHeader(new TraceHeader(TraceHeader.ORIGIN_LIVE, "kvtier server http://" + settings.host() + ":"
            + port(), 0, versions, ServingApi.info(this).toString()));
        recorder = new RecordingWriter(r);
        frontEnd.record(recorder);
    }

    ServerSettings settings()
    {
        return settings;
    }

    WorkerPlan plan()
    {
        return plan;
    }

    MooncakeBackendConfig backend()
    {
        return backend;
    }

    ServingFrontEnd frontEnd()
    {
        return frontEnd;
    }

    /** The worker's {@code /metrics} text, written on its own thread from its live counters. */
    String metricsText() throws Exception
    {
        return runner.query(() ->
        {
            final WorkerStats s = worker.stats();
            try
            {
                return new ServingMetrics(s, worker.runningRequests(), worker.waitingRequests(), frontEnd.total(0),
                    frontEnd.total(1), new long[] {frontEnd.total(2), frontEnd.total(3), frontEnd.total(4)},
                    frontEnd.total(5), runner.errors(), settings.pageSize(),
                    (double)s.deviceTreePages / plan.cache().devicePages()).text();
            }
            catch (final java.io.IOException e)
            {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close()
    {
        http.close();
        runtime.close();
        if (recorder != null)
        {
            frontEnd.record(null);
            recorder.close();
        }
        if (master != null)
        {
            master.close();
        }
        memory.release();
    }
}
