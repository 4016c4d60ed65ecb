package dev.kvtier.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code kvtier} subcommand run as a real process of its own (so that {@code kill -9} is real), from this JVM's
 * class path and module options, its output appended to a log file. Ready once it printed its ready line.
 */
final class ChildProcess implements AutoCloseable
{
    private final Process process;
    private final CompletableFuture<String> readyLine = new CompletableFuture<>();

    private ChildProcess(final Process process, final String readyPrefix, final Path log) throws IOException
    {
        this.process = process;
        final PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); out)
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    out.println(line);
                    if (line.startsWith(readyPrefix))
                    {
                        readyLine.complete(line);
                    }
                }
            }
            catch (final IOException ignored)
            {
                // the process is gone
            }
            readyLine.completeExceptionally(new IllegalStateException("exited before it was ready; see " + log));
        }, "kvtier-child-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code kvtier ARGS} with a {@code heap}-sized heap; its output goes to {@code log}. */
    static ChildProcess start(final Path log, final String heap, final String readyPrefix, final List<String> args)
        throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                || arg.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || arg.startsWith("-Dchronicle."))
            {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return new ChildProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), readyPrefix, log);
    }

    /** The ready line, waiting up to {@code timeoutMs}. */
    String awaitReady(final long timeoutMs) throws Exception
    {
        return readyLine.get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    long pid()
    {
        return process.pid();
    }

    boolean alive()
    {
        return process.isAlive();
    }

    /** {@code kill -9}, then waits for the process to be gone. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            kill();
        }
    }
}
