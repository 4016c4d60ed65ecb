package dev.kvtier.sim.cluster;

/**
 * A cluster config field the run cannot use: its dotted path, the value given and what is wrong with it. The command
 * line says where the value came from ({@code --set}, {@code --vary}, a config file), which this layer does not know.
 */
public final class ConfigFieldException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String value;
    private final String problem;

    public ConfigFieldException(final String path, final String value, final String problem)
    {
        super("cluster config: " + path + (value == null ? "" : "=" + value) + ": " + problem);
        this.path = path;
        this.value = value;
        this.problem = problem;
    }

    /** The field's dotted path, e.g. {@code nic.gbps}. */
    public String path()
    {
        return path;
    }

    /** The value given, or null when the field itself is unknown and no value matters. */
    public String value()
    {
        return value;
    }

    /** What is wrong and the fix. */
    public String problem()
    {
        return problem;
    }

    /** The same problem said of an option: {@code --set nic.gbps=0: must be > 0}. */
    public String messageFor(final String option)
    {
        return option + " " + path + (value == null ? "" : "=" + value) + ": " + problem;
    }
}
