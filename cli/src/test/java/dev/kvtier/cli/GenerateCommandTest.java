package dev.kvtier.cli;

import dev.kvtier.workloads.trace.MooncakeTraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateCommandTest
{
    @Test
    void shouldWriteATraceThatSimReadsBackToTheSameResult(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("chat.jsonl");
        final CliRun gen = CliRun.of("generate", "--out", file.toString(), "--duration", "200", "--seed", "5");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        long n = 0;
        try (MooncakeTraceReader reader = MooncakeTraceReader.open(file))
        {
            while (reader.hasNext())
            {
                reader.next();
                n++;
            }
        }
        assertThat(n).isPositive();
        final CliRun fromFile = CliRun.of("sim", "--trace", file.toString(), "--seed", "5", "--json",
            "--capacity-blocks", "300", "--no-progress");
        final CliRun builtIn = CliRun.of("sim", "--synthetic-duration", "200", "--seed", "5", "--json",
            "--capacity-blocks", "300", "--no-progress");
        assertThat(fromFile.out().replaceAll("\"source\" : \"[^\"]*\"", ""))
            .isEqualTo(builtIn.out().replaceAll("\"source\" : \"[^\"]*\"", ""));
    }
}
