package dev.kvtier.transport.tcp.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kvtier.model.fuzz.AllocationBound;
import dev.kvtier.transport.tcp.transfer.RegisteredMemory;
import dev.kvtier.transport.tcp.transfer.TransferHeader;

import java.nio.ByteBuffer;

/**
 * Fuzzes the transfer header as the data port reads it, with the range check that decides what it may touch: any
 * header decodes, and a range is either inside the registered memory (then its view has exactly its size) or
 * refused; nothing throws.
 */
public class TransferHeaderFuzzTest
{
    private static final RegisteredMemory MEMORY = new RegisteredMemory();
    private static final long BASE = MEMORY.register(ByteBuffer.allocateDirect(1 << 16));

    /** One input (also the entry point of {@code bench/fuzz.sh}'s long runs). */
    public static void fuzzerTestOneInput(final FuzzedDataProvider data)
    {
        final boolean nearBase = data.consumeBoolean();
        final byte[] bytes = data.consumeBytes(TransferHeader.BYTES);
        final ByteBuffer in = ByteBuffer.allocate(TransferHeader.BYTES);
        in.put(bytes).clear();
        run(nearBase, in);
        final long before = AllocationBound.allocated();
        run(nearBase, in);
        AllocationBound.check(before, TransferHeader.BYTES, 16 << 20);
    }

    /** Decodes one input; run twice, so the second run, measured, loads no classes. */
    private static void run(final boolean nearBase, final ByteBuffer in)
    {
        TransferHeader h = TransferHeader.decode(in.duplicate());
        if (nearBase)
        {
            h = new TransferHeader(h.size(), BASE + (h.addr() & 0x1_FFFF), h.opcode());
        }
        if (h.size() > 0 && MEMORY.contains(h.addr(), h.size()) && h.size() <= Integer.MAX_VALUE)
        {
            final ByteBuffer view = MEMORY.view(h.addr(), h.size());
            if (view.remaining() != h.size())
            {
                throw new IllegalStateException("view of " + view.remaining() + " bytes for a " + h.size()
                    + "-byte range");
            }
        }
    }

    @FuzzTest(maxDuration = "5s")
    void transferHeader(final FuzzedDataProvider data)
    {
        fuzzerTestOneInput(data);
    }
}
