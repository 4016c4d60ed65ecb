package dev.kvtier.sim.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceRecorder;
import dev.kvtier.workloads.trace.TraceRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A finished serving run written as a recorded trace, in the format a live run records, so a replay can compare the
 * two request by request. It is written after the run from the trace and the collected request records, never from
 * inside the event loop, so recording cannot change what the run does. Documents come in simulated-time order, as a
 * live recorder would see them: each arrival at its arrival time, each outcome when the request finished (an
 * aborted request's at its arrival), an arrival first on a tie, then by request id.
 */
public final class ServingRecording
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServingRecording()
    {
    }

    /** The header: the run's source and seed, and its resolved cluster config with the replay options. */
    public static TraceHeader header(final ServingResult result, final String source, final String versions)
    {
        final ClusterPlan plan = result.plan();
        final ServingOptions o = result.options();
        final ObjectNode config = JSON.createObjectNode();
        config.put("model", plan.model().name());
        config.set("cluster", ClusterLoader.toTree(plan.config()));
        final ObjectNode replay = config.putObject("replay");
        replay.put("rate_scale", o.rateScale());
        replay.put("spread_arrivals", o.spreadArrivals());
        replay.put("bucket_ms", o.bucketMs());
        replay.put("limit", o.limit());
        return new TraceHeader(TraceHeader.ORIGIN_SIM, source, o.seed(), versions, config.toString());
    }

    /**
     * Writes the run into the empty directory {@code dir}.
     *
     * @param trace the trace the run replayed (before its limit)
     * @return the number of requests written (one arrival and at most one outcome each)
     */
    public static int write(final Path dir, final ServingResult result, final List<TraceRecord> trace,
        final String source, final String versions) throws IOException
    {
        final List<TraceRecord> records = trace.subList(0, result.requests());
        final long[] arrivals = ServingSimulation.arrivals(records, result.options());
        final int pageSize = result.plan().cache().pageSize();
        final List<RequestRecord> done = result.records();
        final int n = records.size();
        final int m = done.size();
        // events: arrival r as (arrivals[r], 0, r), outcome k as (finish, 1, id); sorted by time, kind, id
        final long[][] events = new long[n + m][];
        for (int r = 0; r < n; r++)
        {
            events[r] = new long[] {arrivals[r], 0, r, r};
        }
        for (int k = 0; k < m; k++)
        {
            final RequestRecord d = done.get(k);
            events[n + k] = new long[] {d.aborted() ? d.arrivalNs() : d.finishNs(), 1, d.id(), k};
        }
        Arrays.sort(events, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
            : a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[2], b[2]));
        try (TraceRecorder recorder = TraceRecorder.open(dir))
        {
            recorder.writeHeader(header(result, source, versions));
            for (final long[] e : events)
            {
                if (e[1] == 0)
                {
                    final TraceRecord r = records.get((int)e[3]);
                    recorder.append(TraceArrival.ofHashIds(e[2], e[0], r.inputLength(), r.outputLength(),
                        r.hashIds()));
                }
                else
                {
                    recorder.append(outcome(done.get((int)e[3]), pageSize));
                }
            }
        }
        return n;
    }

    /** A request record as an outcome ({@link TraceOutcome#of}). */
    public static TraceOutcome outcome(final RequestRecord d, final int pageSize)
    {
        return TraceOutcome.of(d, pageSize);
    }
}
