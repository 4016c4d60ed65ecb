package dev.kvtier.workloads.recorded;

import java.util.Objects;

/**
 * What a recorded trace was recorded under, written once as its first document: a replay needs the configuration
 * and the seed to rerun the same cluster, and the source and versions to say what the numbers belong to.
 *
 * @param origin        who recorded it: {@link #ORIGIN_SIM}, {@link #ORIGIN_LIVE} or {@link #ORIGIN_IMPORT}
 * @param source        the workload: a trace file's name, or the built-in workload's parameters
 * @param seed          the run's seed (0 where the recorder had none)
 * @param versions      the versions of what recorded it, e.g. {@code kvtier 0.1.0}
 * @param configJson    the configuration as JSON text (cluster, policies, options); {@code {}} when unknown
 */
public record TraceHeader(String origin, String source, long seed, String versions, String configJson)
{
    /** Version of the document layout this build writes and reads. */
    public static final int LAYOUT = 2;
    /** Written by the serving simulator. */
    public static final String ORIGIN_SIM = "sim";
    /** Written by a live process. */
    public static final String ORIGIN_LIVE = "live";
    /** Imported from a Mooncake JSONL trace. */
    public static final String ORIGIN_IMPORT = "mooncake-import";

    public TraceHeader
    {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(versions, "versions");
        Objects.requireNonNull(configJson, "configJson");
    }
}
