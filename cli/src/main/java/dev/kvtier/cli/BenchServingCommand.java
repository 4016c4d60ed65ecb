package dev.kvtier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kvtier.live.bench.LoadSource;
import dev.kvtier.live.bench.MultiTurnLoad;
import dev.kvtier.live.bench.ReadyOrder;
import dev.kvtier.live.bench.ServerUnreachableException;
import dev.kvtier.live.bench.ServingBench;
import dev.kvtier.live.bench.ServingBenchReport;
import dev.kvtier.live.bench.TraceLoad;
import dev.kvtier.workloads.multiturn.MultiTurnConfig;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.TraceRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kvtier bench-serving}: load on a router or worker that speaks SGLang's HTTP API, either SGLang's
 * {@code bench_multiturn} workload or a Mooncake trace replayed at its timestamps with the simulator's prompt
 * tokens, so a live run can be set beside a simulated one. Prints the JSON report; {@code --out} adds the
 * per-request CSV and the TTFT CDF.
 */
@Command(name = "bench-serving", mixinStandardHelpOptions = true,
    description = "Benchmark a router or worker over SGLang's /generate: bench_multiturn, or a trace replayed live.")
public final class BenchServingCommand implements Callable<Integer>
{
    private static final List<String> MULTI_TURN_OPTIONS = List.of("--num-clients", "--num-rounds",
        "--request-length", "--output-length", "--request-rate", "--seed", "--ready-queue-policy");
    private static final List<String> TRACE_OPTIONS = List.of("--rate-scale", "--limit");

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", arity = "1..*", defaultValue = "http://127.0.0.1:8000", paramLabel = "URL",
        description = "Router or worker base URL; several (workers) take requests in turn, as a round_robin router "
            + "would, in send order. Default ${DEFAULT-VALUE}.")
    List<String> url;

    @Option(names = "--num-clients", defaultValue = "256", description = "Conversations. Default ${DEFAULT-VALUE}.")
    int numClients;

    @Option(names = "--num-rounds", defaultValue = "5",
        description = "Turns per conversation. Default ${DEFAULT-VALUE}.")
    int numRounds;

    @Option(names = "--request-length", defaultValue = "512",
        description = "New prompt tokens per turn. Default ${DEFAULT-VALUE}.")
    int requestLength;

    @Option(names = "--output-length", defaultValue = "64",
        description = "Answer tokens per turn. Default ${DEFAULT-VALUE}.")
    int outputLength;

    @Option(names = "--max-parallel", defaultValue = "128",
        description = "Requests in flight at most. Default ${DEFAULT-VALUE}.")
    int maxParallel;

    @Option(names = "--request-rate", defaultValue = "1.0",
        description = "Mean send attempts per second (Poisson). Default ${DEFAULT-VALUE}.")
    double requestRate;

    @Option(names = "--seed", defaultValue = "1", description = "Workload seed. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--ready-queue-policy", defaultValue = "random", paramLabel = "random|fifo",
        description = "Which ready turn is sent next. Default ${DEFAULT-VALUE}.")
    ReadyOrder readyOrder;

    @Option(names = "--trace", paramLabel = "FILE",
        description = "Replay this Mooncake JSONL trace instead of the multi-turn workload.")
    Path trace;

    @Option(names = "--rate-scale", defaultValue = "1.0",
        description = "With --trace: replay X times faster. Default ${DEFAULT-VALUE}.")
    double rateScale;

    @Option(names = "--limit", paramLabel = "N", description = "With --trace: only the first N requests.")
    Integer limit;

    @Option(names = "--no-stream", description = "Ask for one JSON answer instead of SSE (TTFT is then E2E).")
    boolean noStream;

    @Option(names = "--flush-cache", description = "POST /flush_cache before the run.")
    boolean flushCache;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write report.json, requests.csv, ttft_cdf.png.")
    Path out;

    @Option(names = "--no-progress", description = "Never show the progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception
    {
        final ServingBench.Options options = new ServingBench.Options(uris(), maxParallel, !noStream, flushCache);
        final LoadSource source = trace == null ? multiTurn() : traceLoad();
        final ServingBenchReport report;
        try (ProgressReporter progress = new ProgressReporter("bench-serving", source.planned(), !noProgress))
        {
            report = ServingBench.run(options, source, progress);
        }
        catch (final ServerUnreachableException e)
        {
            throw new BadInputException("--url: " + e.getMessage());
        }
        final String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(report.toJson()) + "\n";
        if (out != null)
        {
            write(report, json);
        }
        spec.commandLine().getOut().print(json);
        spec.commandLine().getOut().flush();
        return report.errors() == 0 && report.kvMismatches() == 0 ? 0 : 1;
    }

    private List<URI> uris()
    {
        final List<URI> uris = new ArrayList<>(url.size());
        for (final String u : url)
        {
            try
            {
                uris.add(new URI(u));
            }
            catch (final URISyntaxException e)
            {
                throw new BadInputException("--url: not a URL: " + e.getMessage());
            }
        }
        return uris;
    }

    private LoadSource multiTurn()
    {
        refuse(TRACE_OPTIONS, "a trace replay; give --trace FILE or leave it out");
        return new MultiTurnLoad(new MultiTurnConfig(numClients, numRounds, requestLength, outputLength, seed),
            requestRate, readyOrder);
    }

    private LoadSource traceLoad() throws IOException
    {
        refuse(MULTI_TURN_OPTIONS, "the multi-turn workload; leave it out with --trace");
        if (limit != null && limit < 1)
        {
            throw new BadInputException("--limit: must be >= 1, got " + limit);
        }
        InputFile.require(trace, "--trace", "give the path of a Mooncake JSONL trace");
        final List<TraceRecord> records = new ArrayList<>();
        try (MooncakeTraceReader reader = MooncakeTraceReader.open(trace))
        {
            while (reader.hasNext() && (limit == null || records.size() < limit))
            {
                records.add(reader.next());
            }
        }
        if (records.isEmpty())
        {
            throw new BadInputException("--trace: '" + trace + "' holds no requests; give a non-empty trace");
        }
        final TraceLoad load = new TraceLoad(records, rateScale);
        if (load.mismatchedBlocks() > 0)
        {
            spec.commandLine().getErr().println("bench-serving: warning: " + load.mismatchedBlocks()
                + " block ids reappear with another length; those prompts' pages differ from the simulator's");
        }
        return load;
    }

    private void refuse(final List<String> names, final String why)
    {
        for (final String name : names)
        {
            if (spec.commandLine().getParseResult().hasMatchedOption(name))
            {
                throw new BadInputException(name + ": applies to " + why);
            }
        }
    }

    private void write(final ServingBenchReport report, final String json) throws IOException
    {
        OutputFile.directory(out, "--out");
        OutputFile.write(out.resolve("report.json"), json.getBytes(StandardCharsets.UTF_8));
        final StringWriter csv = new StringWriter();
        report.writeCsv(csv);
        OutputFile.write(out.resolve("requests.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        OutputFile.write(out.resolve("ttft_cdf.png"),
            ServingPlot.ttftCdf(List.of(trace == null ? "multi-turn" : trace.getFileName().toString()),
                List.of(report.ttftSeconds())));
    }
}
