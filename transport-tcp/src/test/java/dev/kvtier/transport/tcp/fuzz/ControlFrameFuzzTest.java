package dev.kvtier.transport.tcp.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kvtier.model.fuzz.AllocationBound;
import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.FrameException;
import dev.kvtier.transport.tcp.frame.MasterMessageCodec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzzes the control frame and the master message codec as the master's I/O thread runs them on a peer's bytes: a
 * crash is any exception but {@link FrameException}, or an allocation out of proportion to the input.
 */
public class ControlFrameFuzzTest
{
    /** One input (also the entry point of {@code bench/fuzz.sh}'s long runs). */
    public static void fuzzerTestOneInput(final FuzzedDataProvider data)
    {
        final byte[] bytes = data.consumeRemainingAsBytes();
        run(bytes);
        final long before = AllocationBound.allocated();
        run(bytes);
        AllocationBound.check(before, bytes.length, 16 << 20);
    }

    /** Decodes one input; run twice, so the second run, measured, loads no classes. */
    private static void run(final byte[] bytes)
    {
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try
        {
            ControlFrame f;
            while ((f = ControlFrame.decode(in, 1 << 16)) != null)
            {
                if (f.kind() == ControlFrame.KIND_REQUEST && f.type() != MasterMessageCodec.TYPE_HELLO)
                {
                    MasterMessageCodec.decodeRequest(f);
                }
                else if (f.kind() == ControlFrame.KIND_REPLY)
                {
                    MasterMessageCodec.decodeReply(f);
                }
            }
        }
        catch (final FrameException expected)
        {
            // the declared decode error
        }
    }

    @FuzzTest(maxDuration = "5s")
    void controlFrameAndMasterCodec(final FuzzedDataProvider data)
    {
        fuzzerTestOneInput(data);
    }
}
