package dev.kvtier.bench;

import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What recording costs a serving process: one request's arrival and its outcome appended to a recorded trace (the
 * score is pairs per second). Chains of 27 Mooncake hash ids (the conversation trace's mean prompt, 13.7 K tokens)
 * or of 32 page keys (a 2 K-token prompt in 64-token pages, 64 hex characters a key). Each iteration writes into a
 * fresh directory, removed after it. The fork gets the JVM options Chronicle Queue needs (the root pom's
 * {@code jvm.openArgs}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
    "-XX:+IgnoreUnrecognizedVMOptions", "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
@State(Scope.Thread)
public class TraceRecorderBenchmark
{
    @Param({"hash_ids", "page_keys"})
    public String chain;

    private Path dir;
    private TraceRecorder recorder;
    private TraceArrival arrival;
    private TraceOutcome outcome;

    @Setup(Level.Iteration)
    public void open() throws IOException
    {
        dir = Files.createTempDirectory("kvtier-trace-bench");
        recorder = TraceRecorder.open(dir);
        recorder.writeHeader(new TraceHeader(TraceHeader.ORIGIN_LIVE, "bench", 1, "kvtier bench", "{}"));
        if ("hash_ids".equals(chain))
        {
            final long[] ids = new long[27];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = 1_000_000L + i * 7919L;
            }
            arrival = TraceArrival.ofHashIds(0, 0, 13_721, 352, ids);
        }
        else
        {
            final String[] keys = new String[32];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = String.format("%064x", 0x9e3779b97f4a7c15L * (i + 1));
            }
            arrival = new TraceArrival(0, 0, 2048, 256, 64, null, keys, 17, 3);
        }
        outcome = new TraceOutcome(0, 1024, 256, 512, "completed", 8, 90_000_000L, 14_000_000L, 3_700_000_000L, 2,
            false);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException
    {
        recorder.close();
        try (Stream<Path> s = Files.walk(dir))
        {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public void appendArrivalAndOutcome()
    {
        recorder.append(arrival);
        recorder.append(outcome);
    }
}
