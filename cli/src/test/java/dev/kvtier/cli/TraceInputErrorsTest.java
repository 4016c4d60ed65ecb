package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A trace the reader cannot use says why, with exit code 2. */
class TraceInputErrorsTest
{
    private static final String LINE = "{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, "
        + "\"hash_ids\": [1, 2]}\n";

    @Test
    void shouldNameTheLineThatIsNotUtf8(@TempDir final Path dir) throws Exception
    {
        final Path bin = dir.resolve("bin.jsonl");
        final byte[] bad = {'{', '"', (byte)0xff, (byte)0xfe, '"', ':', '1', '}', '\n'};
        Files.write(bin, concat(LINE.getBytes(StandardCharsets.UTF_8), bad));
        final CliRun run = CliRun.of("sim", "--trace", bin.toString(), "--no-progress");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("bin.jsonl:2").contains("not UTF-8");
    }

    @Test
    void shouldSkipAByteOrderMark(@TempDir final Path dir) throws Exception
    {
        final Path bom = dir.resolve("bom.jsonl");
        final byte[] mark = {(byte)0xef, (byte)0xbb, (byte)0xbf};
        Files.write(bom, concat(mark, LINE.getBytes(StandardCharsets.UTF_8)));
        final CliRun run = CliRun.of("sim", "--trace", bom.toString(), "--no-progress", "--capacity-blocks", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void shouldSayADirectoryIsADirectory(@TempDir final Path dir)
    {
        final CliRun run = CliRun.of("sim", "--trace", dir.toString(), "--no-progress");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is a directory").doesNotContain("no such file");
    }

    @Test
    void shouldSayAnUnreadableTraceIsNotReadable(@TempDir final Path dir) throws Exception
    {
        final Path t = Files.writeString(dir.resolve("t.jsonl"), LINE);
        t.toFile().setReadable(false, false);
        assumeTrue(!Files.isReadable(t), "not running as root");
        final CliRun run = CliRun.of("sim", "--trace", t.toString(), "--no-progress");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("permission denied");
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
