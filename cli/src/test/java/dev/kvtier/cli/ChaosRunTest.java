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
