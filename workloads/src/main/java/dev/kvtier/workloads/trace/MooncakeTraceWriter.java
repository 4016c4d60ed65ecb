package dev.kvtier.workloads.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes records in the Mooncake JSONL format, field order and spacing as in the published traces, so generated
 * and recorded workloads can be read back by kvtier and by every other tool that reads those traces.
 */
public final class MooncakeTraceWriter implements Closeable
{
    private final Writer out;
    private final StringBuilder line = new StringBuilder(4096);

    public MooncakeTraceWriter(final Writer out)
    {
        this.out = out;
    }

    public void write(final TraceRecord r) throws IOException
    {
        line.setLength(0);
        line.append("{\"timestamp\": ").append(r.timestampMs())
            .append(", \"input_length\": ").append(r.inputLength())
            .append(", \"output_length\": ").append(r.outputLength())
            .append(", \"hash_ids\": [");
        final long[] ids = r.hashIds();
        for (int i = 0; i < ids.length; i++)
        {
            if (i > 0)
            {
                line.append(", ");
            }
            line.append(ids[i]);
        }
        line.append("]}\n");
        out.write(line.toString());
    }

    @Override
    public void close() throws IOException
    {
        out.close();
    }
}
