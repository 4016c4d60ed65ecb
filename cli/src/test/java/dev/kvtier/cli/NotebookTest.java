package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Executes the notebooks on real reports (compare, replay), where Debian's Jupyter stack is installed. */
class NotebookTest
{
    private static final Path NOTEBOOK = Path.of("..", "notebooks", "compare.ipynb");

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

    @Test
    void compareNotebookShouldRunOnACompareReport(@TempDir final Path dir) throws Exception
    {
        assumeTrue(onPath("jupyter-nbconvert"), "jupyter-nbconvert is not installed");
        final CliRun run = CliRun.of("compare", "--cluster", "small-4", "--limit", "150", "--synthetic-duration",
            "120", "--vary", "serving.prefetch_policy=best_effort,wait_complete", "--out", dir.toString(),
            "--no-progress");
        assertThat(run.exitCode()).as(run.err()).isZero();
        final Path plot = dir.resolve("notebook.png");
        final ProcessBuilder pb = new ProcessBuilder("jupyter-nbconvert", "--to", "notebook", "--execute",
            "--output-dir", dir.toString(), "--output", "executed", NOTEBOOK.toString())
            .redirectErrorStream(true);
        pb.environment().put("KVTIER_REPORT", dir.resolve("report.json").toString());
        pb.environment().put("KVTIER_PLOT", plot.toString());
        final Process p = pb.start();
        final String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(Files.size(plot)).isPositive();
        assertThat(Files.readString(dir.resolve("executed.ipynb"))).contains("prefetch_policy=wait_complete");
    }

    @Test
    void replayNotebookShouldRunOnAReplayReport(@TempDir final Path dir) throws Exception
    {
        assumeTrue(onPath("jupyter-nbconvert"), "jupyter-nbconvert is not installed");
        final Path rec = dir.resolve("rec");
        final CliRun sim = CliRun.of("sim", "--cluster", "small-4", "--limit", "150", "--synthetic-duration", "120",
            "--no-progress", "--trace-dir", rec.toString());
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        final CliRun replay = CliRun.of("replay", "--trace-dir", rec.toString(), "--vary", "nic.gbps=25",
            "--out", dir.toString(), "--no-progress");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        final Path plot = dir.resolve("replay.png");
        final ProcessBuilder pb = new ProcessBuilder("jupyter-nbconvert", "--to", "notebook", "--execute",
            "--output-dir", dir.toString(), "--output", "executed", Path.of("..", "notebooks", "replay.ipynb")
            .toString()).redirectErrorStream(true);
        pb.environment().put("KVTIER_REPORT", dir.resolve("report.json").toString());
        pb.environment().put("KVTIER_PLOT", plot.toString());
        final Process p = pb.start();
        final String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(Files.size(plot)).isPositive();
        assertThat(Files.readString(dir.resolve("executed.ipynb"))).contains("hit_ratio_storage");
    }
}
