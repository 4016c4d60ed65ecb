package dev.kvtier.transport.tcp.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One control-plane frame: a request, its reply, or an error that answers a request. Layout, little-endian:
 *
 * <pre>
 *   u32 length      bytes after this field (header rest + payload)
 *   u8  version     {@link #VERSION}; anything else is answered with an error frame and the connection closes
 *   u8  kind        1 request, 2 reply, 3 error (payload = UTF-8 reason)
 *   u16 type        message type (see the codec); for an error, what went wrong: {@link #ERROR_PROTOCOL} (the
 *                   peer closes the connection) or {@link #ERROR_DEADLINE} (the request's budget ran out)
 *   u64 requestId   echoed by the answer, so requests pipeline on one connection
 *   u32 timeoutMs   the sender's remaining budget; 0 = none. The receiver drops a request whose budget ran out
 *                   before it was processed and answers with an error frame instead
 *   ... payload
 * </pre>
 *
 * @param payload read-only, positioned at the payload's first byte
 */
public record ControlFrame(int version, int kind, int type, long requestId, int timeoutMs, ByteBuffer payload)
{
    public static final int VERSION = 1;
    public static final int KIND_REQUEST = 1;
    public static final int KIND_REPLY = 2;
    public static final int KIND_ERROR = 3;
    /** Bytes before the payload, length field included. */
    public static final int HEADER_BYTES = 20;
    /** Error type: the frame could not be accepted; the connection is being closed. */
    public static final int ERROR_PROTOCOL = 0;
    /** Error type: the request waited past its deadline and was not executed. */
    public static final int ERROR_DEADLINE = 1;
    /** Default cap on one frame; larger length fields close the connection. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

    /** Starts a frame in {@code w}: writes the header with a placeholder length; finish with {@link #finish}. */
    public static int begin(final WireWriter w, final int kind, final int type, final long requestId,
        final int timeoutMs)
    {
        final int start = w.position();
        w.i32(0).u8(VERSION).u8(kind).u16(type).i64(requestId).i32(timeoutMs);
        return start;
    }

    /** Back-patches the length of the frame begun at {@code start}. */
    public static void finish(final WireWriter w, final int start)
    {
        w.putI32At(start, w.position() - start - 4);
    }

    /** Encodes an error frame answering {@code requestId}; {@code type} is one of the {@code ERROR_} types. */
    public static ByteBuffer error(final long requestId, final int type, final String reason)
    {
        final byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + r.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(HEADER_BYTES - 4 + r.length).put((byte)VERSION).put((byte)KIND_ERROR).putShort((short)type)
            .putLong(requestId).putInt(0).put(r).flip();
        return b;
    }

    /** The error text of a {@link #KIND_ERROR} frame. */
    public String errorText()
    {
        final ByteBuffer p = payload.duplicate();
        final byte[] b = new byte[p.remaining()];
        p.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Decodes the frame at the start of {@code in} if it is complete: returns null when more bytes are needed,
     * advances {@code in} past the frame otherwise. The payload is a copy, safe to hand to another thread.
     *
     * @throws FrameException for an unknown version or kind, a length below the header or above {@code maxBytes}
     */
    public static ControlFrame decode(final ByteBuffer in, final int maxBytes)
    {
        if (in.remaining() < 4)
        {
            return null;
        }
        final ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final int length = b.getInt();
        if (length < HEADER_BYTES - 4 || length > maxBytes)
        {
            throw new FrameException("frame length " + Integer.toUnsignedString(length) + " outside ["
                + (HEADER_BYTES - 4) + ", " + maxBytes + "]");
        }
        if (b.remaining() >= 1)
        {
            final int version = b.get(b.position()) & 0xFF;
            if (version != VERSION)
            {
                throw new FrameException("unsupported frame version " + version + "; this peer speaks version "
                    + VERSION);
            }
        }
        if (b.remaining() < length)
        {
            return null;
        }
        final int version = b.get() & 0xFF;
        final int kind = b.get() & 0xFF;
        if (kind < KIND_REQUEST || kind > KIND_ERROR)
        {
            throw new FrameException("unknown frame kind " + kind);
        }
        final int type = b.getShort() & 0xFFFF;
        final long requestId = b.getLong();
        final int timeoutMs = b.getInt();
        final int payloadLength = length - (HEADER_BYTES - 4);
        final ByteBuffer payload = ByteBuffer.allocate(payloadLength).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer src = b.slice();
        src.limit(payloadLength);
        payload.put(src).flip();
        in.position(in.position() + 4 + length);
        return new ControlFrame(version, kind, type, requestId, timeoutMs, payload.asReadOnlyBuffer());
    }
}
