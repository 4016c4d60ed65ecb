package dev.kvtier.model.cache;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The eviction policies a block pool can run, by the names the command line and reports use. */
public enum EvictionPolicy
{
    LRU("lru", false),
    LFU("lfu", false),
    FIFO("fifo", false),
    S3FIFO("s3fifo", false),
    /** Partial-first LRU: see {@link PartialFirstLruCache}. */
    PFLRU("pflru", false),
    OPT("opt", true);

    private final String label;
    private final boolean offline;

    EvictionPolicy(final String label, final boolean offline)
    {
        this.label = label;
        this.offline = offline;
    }

    /** The name used on the command line and in reports. */
    public String label()
    {
        return label;
    }

    /** Whether the policy reads the future (next-use indices), so it can only run on a recorded trace. */
    public boolean offline()
    {
        return offline;
    }

    /**
     * A new, empty pool.
     *
     * @param capacity   blocks it may hold
     * @param idSpace    block ids range over {@code [0, idSpace)}
     * @param fullTokens tokens of a full block (partial blocks hold fewer)
     */
    public BlockCache create(final int capacity, final int idSpace, final int fullTokens)
    {
        return switch (this)
        {
            case LRU -> new LruCache(capacity, idSpace);
            case LFU -> new LfuCache(capacity, idSpace);
            case FIFO -> new FifoCache(capacity, idSpace);
            case S3FIFO -> new S3FifoCache(capacity, idSpace);
            case PFLRU -> new PartialFirstLruCache(capacity, idSpace, fullTokens);
            case OPT -> new BeladyCache(capacity, idSpace);
        };
    }

    /** Looks a policy up by its label; the error lists the valid names. */
    public static EvictionPolicy parse(final String label)
    {
        final String wanted = label.trim().toLowerCase(Locale.ROOT);
        for (final EvictionPolicy p : values())
        {
            if (p.label.equals(wanted))
            {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown eviction policy '" + label + "'; choose from " + names());
    }

    /** All labels, comma separated. */
    public static String names()
    {
        return Arrays.stream(values()).map(EvictionPolicy::label).collect(Collectors.joining(", "));
    }
}
