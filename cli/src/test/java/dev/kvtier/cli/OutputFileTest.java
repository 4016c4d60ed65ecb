package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Output files follow the umask, replace only regular files, and leave no temporary file behind. */
class OutputFileTest
{
    @Test
    void shouldCreateEveryOutputFileWithTheModeTheUmaskGives(@TempDir final Path dir) throws Exception
    {
        final Path plain = Files.createFile(dir.resolve("plain"));
        final var expected = Files.getPosixFilePermissions(plain);
        final CliRun sim = CliRun.of("sim", "--synthetic-duration", "60", "--eviction", "lru", "--capacity-blocks",
            "50", "--no-progress", "--out", dir.resolve("hits").toString());
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        final CliRun gen = CliRun.of("generate", "--duration", "20", "--out", dir.resolve("chat.jsonl").toString());
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        try (Stream<Path> files = Stream.concat(Files.list(dir.resolve("hits")), Stream.of(dir.resolve("chat.jsonl"))))
        {
            for (final Path f : files.toList())
            {
                assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldRefuseADirectoryAndLeaveNoTemporaryFile(@TempDir final Path dir) throws Exception
    {
        final Path target = Files.createDirectory(dir.resolve("target"));
        final CliRun gen = CliRun.of("generate", "--duration", "20", "--out", target.toString());
        assertThat(gen.exitCode()).isEqualTo(2);
        assertThat(gen.err()).contains("--out: '" + target + "' is a directory");
        try (Stream<Path> left = Files.list(dir))
        {
            assertThat(left).containsExactly(target);
        }
        try (Stream<Path> left = Files.list(target))
        {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void shouldWriteIntoADeviceInsteadOfReplacingIt() throws Exception
    {
        final Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "/dev/full is writable here");
        final CliRun gen = CliRun.of("generate", "--duration", "20", "--out", full.toString());
        assertThat(gen.exitCode()).isEqualTo(1);
        assertThat(gen.err()).contains("/dev/full: No space left on device").doesNotContain("wrote");
        assertThat(Files.isRegularFile(full, LinkOption.NOFOLLOW_LINKS)).isFalse();
        final CliRun devNull = CliRun.of("generate", "--duration", "20", "--out", "/dev/null");
        assertThat(devNull.exitCode()).as(devNull.err()).isZero();
        assertThat(Files.isRegularFile(Path.of("/dev/null"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void shouldWriteIntoAFifo(@TempDir final Path dir) throws Exception
    {
        final Path fifo = dir.resolve("fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo works here");
        final var reader = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return Files.readAllBytes(fifo).length;
            }
            catch (final java.io.IOException e)
            {
                throw new java.io.UncheckedIOException(e);
            }
        });
        final CliRun gen = CliRun.of("generate", "--duration", "20", "--out", fifo.toString());
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void shouldReplaceTheFileALinkPointsToAndKeepTheLink(@TempDir final Path dir) throws Exception
    {
        final Path real = Files.writeString(dir.resolve("real.jsonl"), "old\n");
        final Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), real.getFileName());
        final CliRun gen = CliRun.of("generate", "--duration", "20", "--out", link.toString());
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).startsWith("{\"timestamp\"");
        try (Stream<Path> left = Files.list(dir))
        {
            assertThat(left).containsExactlyInAnyOrder(real, link);
        }
    }

    @Test
    void shouldTakeADashForStandardOutput()
    {
        final CliRun gen = CliRun.of("generate", "--duration", "20", "--out", "-");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        assertThat(gen.out()).startsWith("{\"timestamp\"");
        assertThat(Files.exists(Path.of("-"))).isFalse();
    }

    @Test
    void shouldSayPermissionDeniedForAnUnwritableOutput(@TempDir final Path dir) throws Exception
    {
        final Path locked = Files.createDirectory(dir.resolve("locked"));
        locked.toFile().setWritable(false, false);
        assumeTrue(!Files.isWritable(locked), "not running as root");
        final CliRun gen = CliRun.of("generate", "--duration", "20", "--out", locked.resolve("t.jsonl").toString());
        assertThat(gen.exitCode()).isEqualTo(2);
        assertThat(gen.err()).contains("permission denied");
        locked.toFile().setWritable(true, false);
    }
}
