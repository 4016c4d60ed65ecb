package dev.kvtier.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code kvtier} process (master or store) started from the test's classpath, read until it is ready. */
final class KvtierProcess implements AutoCloseable
{
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final CompletableFuture<String> readyLine = new CompletableFuture<>();

    private KvtierProcess(final Process process, final String readyPrefix)
    {
        this.process = process;
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    synchronized (output)
                    {
                        output.append(line).append('\n');
                    }
                    if (line.startsWith(readyPrefix))
                    {
                        readyLine.complete(line);
                    }
                }
            }
            catch (final IOException ignored)
            {
                // process gone
            }
            readyLine.completeExceptionally(new IllegalStateException("process exited before it was ready:\n"
                + output()));
        }, "kvtier-process-pump");
        pump.setDaemon(true);
        pump.start();
    }

    static KvtierProcess start(final String readyPrefix, final String... args) throws IOException
    {
        return start(Map.of(), readyPrefix, args);
    }

    /** A process with {@code env} added to this one's environment (e.g. {@code MOONCAKE_MASTER}). */
    static KvtierProcess start(final Map<String, String> env, final String readyPrefix, final String... args)
        throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:MaxDirectMemorySize=1g");
        // the module openings Chronicle Queue needs, as the launcher passes them (Surefire gave them to this JVM)
        for (final String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                || arg.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || arg.startsWith("-Dchronicle."))
            {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.kvtier.cli.Main");
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        final Process p = pb.start();
        return new KvtierProcess(p, readyPrefix);
    }

    /** The ready line, waiting up to 60 s. */
    String awaitReady() throws Exception
    {
        return readyLine.get(60, TimeUnit.SECONDS);
    }

    /** First group of {@code regex} in the ready line. */
    String fromReadyLine(final String regex) throws Exception
    {
        final Matcher m = Pattern.compile(regex).matcher(awaitReady());
        if (!m.find())
        {
            throw new IllegalStateException("no " + regex + " in: " + awaitReady());
        }
        return m.group(1);
    }

    String output()
    {
        synchronized (output)
        {
            return output.toString();
        }
    }

    /** The exit code, waiting up to 60 s for the process to end by itself. */
    int awaitExit() throws InterruptedException
    {
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("process still running after 60 s:\n" + output());
        }
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!readyLine.isDone() && System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
        return process.exitValue();
    }

    /** The process id, for {@code /proc/<pid>/status}. */
    long pid()
    {
        return process.pid();
    }

    /** kill -9. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then wait for the clean exit code. */
    int stop() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
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
