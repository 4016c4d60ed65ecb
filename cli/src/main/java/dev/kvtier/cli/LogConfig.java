package dev.kvtier.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;

/**
 * The launcher's logging configuration, which {@code java.util.logging} reads when it first starts (named by
 * {@code java.util.logging.config.class}): the JDK's own configuration, with Chronicle Queue's and Jetty's INFO lines
 * (where a library loaded from, how long a mapping took) left out as noise on a console. Applied there rather than
 * by configuring loggers at start-up, because starting {@code java.util.logging} looks for logger providers in
 * every jar on the class path, and commands that log nothing (the simulations) need not pay for that.
 */
public final class LogConfig
{
    /** Reads the configuration into the log manager; called by the log manager itself. */
    public LogConfig() throws IOException
    {
        final Path jdk = Path.of(System.getProperty("java.home"), "conf", "logging.properties");
        final String base = Files.isReadable(jdk) ? Files.readString(jdk, StandardCharsets.ISO_8859_1)
            : "handlers=java.util.logging.ConsoleHandler\n.level=INFO\njava.util.logging.ConsoleHandler.level=INFO\n"
                + "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter\n";
        final String quiet = "\nnet.openhft.level=WARNING\norg.eclipse.jetty.level=WARNING\n";
        LogManager.getLogManager().readConfiguration(
            new ByteArrayInputStream((base + quiet).getBytes(StandardCharsets.ISO_8859_1)));
    }
}
