package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Executes the notebooks on real reports (compare, replay, hits), where Debian's Jupyter stack is installed. */
class NotebookTest
{
    private static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
        {
            if (Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The README's notebook commands, run as written from a directory laid out like a checkout (notebooks/ and the
     * report at the relative path the command names): the relative report path resolves from there, the executed
     * notebook and the plot land beside the report, and nothing is written into notebooks/.
     */
    @Test
    void readmeNotebookCommandsShouldRunAsWritten(@TempDir final Path dir) throws Exception
    {
        assumeTrue(onPath("jupyter") && onPath("jupyter-nbconvert"), "jupyter is not installed");
        final String readme = Files.readString(Path.of("..", "README.md")).replaceAll("\\s+", " ");
        final Matcher m = Pattern.compile("`(KVTIER_REPORT=(\\S+)/report\\.json jupyter nbconvert [^`]*"
            + "notebooks/(\\w+)\\.ipynb)`").matcher(readme);
        final Path notebooks = Files.createDirectories(dir.resolve("notebooks"));
        for (final String name : new String[] {"compare", "replay", "hits"})
        {
            Files.copy(Path.of("..", "notebooks", name + ".ipynb"), notebooks.resolve(name + ".ipynb"));
        }
        final java.util.Set<String> seen = new java.util.TreeSet<>();
        while (m.find())
        {
            final String command = m.group(1);
            final Path out = dir.resolve(m.group(2));
            final String notebook = m.group(3);
            seen.add(notebook);
            writeReport(notebook, out, dir);
            final ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
                .redirectErrorStream(true);
            pb.environment().remove("KVTIER_PLOT");
            final Process p = pb.start();
            final String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(command + "\n" + log).isZero();
            assertThat(Files.readString(out.resolve(notebook + ".ipynb"))).as(command).contains(switch (notebook)
            {
                case "compare" -> "prefetch_policy=wait_complete";
                case "hits" -> "s3fifo";
                default -> "hit_ratio_storage";
            });
            assertThat(Files.size(out.resolve(notebook + ".png"))).as(command).isPositive();
            try (var files = Files.list(notebooks))
            {
                assertThat(files.count()).as("files in notebooks/ after " + command).isEqualTo(3);
            }
        }
        assertThat(seen).containsExactly("compare", "hits", "replay");
    }

    private static void writeReport(final String notebook, final Path out, final Path dir)
    {
        final CliRun run = switch (notebook)
        {
            case "compare" -> CliRun.of("compare", "--cluster", "small-4", "--limit", "150", "--synthetic-duration",
                "120", "--vary", "serving.prefetch_policy=best_effort,wait_complete", "--out", out.toString(),
                "--no-progress");
            case "hits" -> CliRun.of("sim", "--synthetic-duration", "120", "--eviction", "lru,s3fifo,opt",
                "--capacity-blocks", "100,200,400", "--out", out.toString(), "--no-progress");
            default ->
            {
                final Path rec = dir.resolve("rec-" + notebook);
                final CliRun sim = CliRun.of("sim", "--cluster", "small-4", "--limit", "150", "--synthetic-duration",
                    "120", "--no-progress", "--trace-dir", rec.toString());
                assertThat(sim.exitCode()).as(sim.err()).isZero();
                yield CliRun.of("replay", "--trace-dir", rec.toString(), "--out", out.toString(), "--no-progress");
            }
        };
        assertThat(run.exitCode()).as(run.err()).isZero();
    }
}
