package dev.kvtier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.sim.hits.HitCounts;
import dev.kvtier.sim.hits.HitReplay;
import dev.kvtier.sim.hits.TraceStats;
import dev.kvtier.sim.report.HitReport;
import dev.kvtier.workloads.recorded.MooncakeConversion;
import dev.kvtier.workloads.recorded.RecordedTrace;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceVisitor;
import dev.kvtier.workloads.trace.TraceRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kvtier trace stats}: what a recorded trace holds, with the same figures and the same code as the trace
 * summary of {@code kvtier sim --mode hits} (its arrivals as Mooncake records, {@link BlockTrace#stats} and the
 * unbounded single pool of {@link HitReplay#ideal}), so the two agree on the same requests.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Requests, span, tokens and the ideal prefix-hit ratio of a recorded trace.")
public final class TraceStatsCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = "--trace-dir", required = true, paramLabel = "DIR", description = "Recorded trace directory.")
    private Path traceDir;

    @Option(names = "--json", description = "Print JSON instead of text.")
    private boolean json;

    @Override
    public Integer call() throws Exception
    {
        final List<TraceRecord> records = new ArrayList<>();
        final long[] outcomes = new long[2];
        final TraceHeader header;
        try (RecordedTrace trace = RecordedTrace.open(traceDir))
        {
            header = trace.header();
            final MooncakeConversion conversion = new MooncakeConversion();
            trace.read(new TraceVisitor()
            {
                @Override
                public void arrival(final TraceArrival a)
                {
                    records.add(conversion.record(a));
                }

                @Override
                public void outcome(final TraceOutcome o)
                {
                    outcomes[0]++;
                    outcomes[1] += o.aborted() ? 1 : 0;
                }
            });
        }
        final BlockTrace blocks = BlockTrace.load(records.iterator());
        final TraceStats stats = blocks.stats();
        final HitCounts ideal = HitReplay.ideal(blocks);
        final ObjectNode hits = new HitReport(header.source(), stats, ideal, List.of(), header.seed()).toJson();
        final ObjectNode root = JSON.createObjectNode();
        root.put("origin", header.origin());
        root.put("seed", header.seed());
        root.put("versions", header.versions());
        root.set("trace", hits.get("trace"));
        root.set("ideal_hit_ratio", hits.get("ideal_hit_ratio"));
        root.put("outcomes", outcomes[0]);
        root.put("aborted", outcomes[1]);
        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.print(JSON.writeValueAsString(root) + "\n");
        }
        else
        {
            out.print(String.format(Locale.ROOT, "%s (%s, seed %d): %,d requests, %,d outcomes (%,d aborted)%n"
                    + "span %.1f s, input %,d tokens (mean %.0f), output %,d tokens (mean %.0f)%n"
                    + "%,d block refs, %,d unique blocks; ideal hit ratio: blocks %.4f  tokens %.4f  "
                    + "request mean %.4f%n",
                header.source(), header.origin(), header.seed(), stats.requests(), outcomes[0], outcomes[1],
                stats.spanMs() / 1000.0, stats.inputTokens(), stats.meanInputTokens(), stats.outputTokens(),
                stats.meanOutputTokens(), stats.blockRefs(), stats.uniqueBlocks(), ideal.blockRatio(),
                ideal.tokenRatio(), ideal.requestMeanRatio()));
        }
        out.flush();
        return 0;
    }
}
