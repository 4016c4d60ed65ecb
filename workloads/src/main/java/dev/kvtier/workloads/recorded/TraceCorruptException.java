package dev.kvtier.workloads.recorded;

/**
 * A recorded trace that cannot be read to its end: a truncated cycle file, a document whose checksum or layout is
 * wrong, or one the queue itself cannot parse. The message is one line naming the file and the index of the last
 * document read whole, so the good part can be salvaged or the file inspected.
 */
public final class TraceCorruptException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient java.nio.file.Path file;
    private final long lastGoodIndex;

    TraceCorruptException(final java.nio.file.Path file, final long lastGoodIndex, final String reason,
        final Throwable cause)
    {
        super("recorded trace " + file + ": " + reason + "; last good index " + indexText(lastGoodIndex), cause);
        this.file = file;
        this.lastGoodIndex = lastGoodIndex;
    }

    /** The cycle file where reading stopped. */
    public java.nio.file.Path file()
    {
        return file;
    }

    /** Queue index of the last document read whole, or -1 when there was none. */
    public long lastGoodIndex()
    {
        return lastGoodIndex;
    }

    static String indexText(final long index)
    {
        return index < 0 ? "none" : "0x" + Long.toHexString(index);
    }
}
