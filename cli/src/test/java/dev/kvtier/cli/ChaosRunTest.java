package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short chaos run: a master and two stores as real processes, two clients, and one fault of each kind (a store
 * and the master killed with SIGKILL and restarted, half-sent RPC frames, data-port garbage, a slow metadata body):
 * no byte read is wrong, every fault is followed by a successful operation, no client hangs.
 */
class ChaosRunTest
{
    @Test
    void badOptionsAreRefusedWithOneLineBeforeAnyProcessStarts()
    {
        final String[][] cases = {
            {"--faults", "-1", "--faults must be >= 0"},
            {"--value-size", "3gb", "--value-size must be below 2 GiB"},
            {"--clients", "0", "clients"},
        };
        for (final String[] c : cases)
        {
            final CliRun run = CliRun.of("chaos", c[0], c[1]);
            assertThat(run.exitCode()).as(c[0] + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(c[0]).contains(c[2]);
            assertThat(run.err().lines()).as(c[0]).hasSize(1);
        }
    }

    @Test
    void oneFaultOfEachKindRecoversWithNoWrongByte(@TempDir final Path dir) throws Exception
    {
        final ChaosRun.Options options = new ChaosRun.Options(120_000, 7, 2, 2, 16 * 1024, 32, 32L << 20, 300, 600,
            30_000, ChaosFault.Kind.values().length);
        final StringWriter log = new StringWriter();
        final ChaosRun.Result r = new ChaosRun(options, dir).run(new PrintWriter(log, true));
        ChaosCommand.print(new PrintWriter(log, true), r);
        final String report = log.toString();
        System.out.print(report);
        assertThat(r.faults()).as(report).extracting(f -> f.kind)
            .containsExactlyInAnyOrder(ChaosFault.Kind.values());
        assertThat(r.figures().wrongBytes()).as(report).isZero();
        assertThat(r.figures().wrongReads()).as(report).isZero();
        assertThat(r.faults()).as(report).allMatch(ChaosFault::recovered);
        assertThat(r.stuckClients()).as(report).isEmpty();
        assertThat(r.figures().verifiedReads()).as(report).isPositive();
        assertThat(r.passed()).isTrue();
    }
}
