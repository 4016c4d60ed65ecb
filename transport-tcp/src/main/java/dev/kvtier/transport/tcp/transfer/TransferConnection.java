package dev.kvtier.transport.tcp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One data-port connection served without a thread of its own: the request it is in the middle of, kept as state
 * so that a {@link TransferIoLoop} can move whatever bytes the socket takes now and come back when it takes more.
 * A request goes header → (WRITE payload, straight into the registered memory | rejected payload, drained) →
 * answer (status frame, READ data from the registered memory or through {@code sendfile}) → next header, the same
 * bytes and the same closes for bad input as Mooncake's TCP transport, one request at a time per connection.
 * Used by its loop's thread only.
 */
final class TransferConnection
{
    /** A rejected v2 WRITE up to this size is drained so the connection stays usable; larger ones close it. */
    static final long MAX_DRAIN_BYTES = 64L << 20;
    /** Bytes one connection may move in one turn before the loop serves the others. */
    private static final long TURN_BYTES = 8L << 20;

    private static final System.Logger LOG = System.getLogger(TransferConnection.class.getName());

    /** Where the connection is in its current request. */
    private enum Phase
    {
        HEADER, PAYLOAD, DRAIN, ANSWER
    }

    final SocketChannel channel;
    private final RegisteredMemory memory;
    private final TransferServerCounters counters;
    private final ByteBuffer header;
    private final ByteBuffer status;
    private SelectionKey key;
    private Phase phase = Phase.HEADER;
    /** PAYLOAD: the region a WRITE fills. */
    private ByteBuffer payload;
    private long payloadBytes;
    private boolean payloadV2;
    private long drainLeft;
    /** ANSWER: buffers still to write (status and/or data), then a file range to send ({@code fileLeft > 0}). */
    private ByteBuffer[] answer;
    private FileChannel file;
    private long filePosition;
    private long fileLeft;
    private long answerDataBytes;
    /** Bytes moved in the current turn. */
    private long turnBytes;
    private boolean closeAfterAnswer;
    /** Why the connection is to be closed; null for a clean end (the peer closed between requests). */
    String closeReason;
    long lastProgressNs = System.nanoTime();

    TransferConnection(final SocketChannel channel, final RegisteredMemory memory,
        final TransferServerCounters counters)
    {
        this.channel = channel;
        this.memory = memory;
        this.counters = counters;
        final ByteBuffer both = ByteBuffer.allocateDirect(TransferHeader.BYTES + TransferStatus.BYTES);
        this.header = both.duplicate().limit(TransferHeader.BYTES).slice().order(ByteOrder.LITTLE_ENDIAN);
        this.status = both.duplicate().position(TransferHeader.BYTES).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    void attach(final SelectionKey selectionKey)
    {
        this.key = selectionKey;
    }

    /** True while a request is started and not yet answered: the stall timeout applies, the idle one does not. */
    boolean busy()
    {
        return phase != Phase.HEADER || header.position() > 0;
    }

    /** What a connection does after one step of its request. */
    private enum Step
    {
        /** The next step may go on at once. */
        GO_ON,
        /** The socket has nothing more to give or take now; the key waits for it. */
        WAIT,
        /** The connection is to be closed. */
        CLOSE
    }

    /**
     * Moves as many bytes as the socket takes now (within one turn's share) and leaves the key interested in what
     * the connection waits for next.
     *
     * @param sink the loop's scratch buffer for draining rejected payloads
     * @return false when the connection is to be closed ({@link #closeReason} says why, null for a clean end)
     */
    boolean advance(final ByteBuffer sink) throws IOException
    {
        turnBytes = 0;
        while (turnBytes < TURN_BYTES)
        {
            final Step step = switch (phase)
            {
                case HEADER -> readHeader();
                case PAYLOAD -> readPayload();
                case DRAIN -> drain(sink);
                case ANSWER -> sendAnswer();
            };
            if (step != Step.GO_ON)
            {
                return step == Step.WAIT;
            }
        }
        // this connection had its share of the turn; the key stays ready, so the loop comes back to it
        return await(phase == Phase.ANSWER ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private Step readHeader() throws IOException
    {
        final int n = channel.read(header);
        if (n < 0)
        {
            if (header.position() > 0)
            {
                return bad("truncated transfer header (" + header.position() + " of " + TransferHeader.BYTES
                    + " bytes)");
            }
            closeReason = null;
            return Step.CLOSE;
        }
        progressed(n);
        if (header.hasRemaining())
        {
            return waitFor(SelectionKey.OP_READ);
        }
        turnBytes += TransferHeader.BYTES;
        header.flip();
        final TransferHeader h = TransferHeader.decode(header);
        header.clear();
        return start(h);
    }

    private Step readPayload() throws IOException
    {
        final int n = channel.read(payload);
        if (n < 0)
        {
            return bad("connection ended inside a WRITE payload");
        }
        progressed(n);
        turnBytes += n;
        if (payload.hasRemaining())
        {
            return waitFor(SelectionKey.OP_READ);
        }
        payload = null;
        counters.bytesIn.addAndGet(payloadBytes);
        if (payloadV2)
        {
            answerStatus(TransferStatus.OK);
        }
        else
        {
            phase = Phase.HEADER;
        }
        return Step.GO_ON;
    }

    private Step drain(final ByteBuffer sink) throws IOException
    {
        sink.clear().limit((int)Math.min(sink.capacity(), drainLeft));
        final int n = channel.read(sink);
        if (n < 0)
        {
            return bad("connection ended inside a rejected WRITE payload");
        }
        progressed(n);
        turnBytes += n;
        drainLeft -= n;
        if (drainLeft > 0)
        {
            return n == 0 ? waitFor(SelectionKey.OP_READ) : Step.GO_ON;
        }
        answerStatus(TransferStatus.ADDRESS_REJECTED);
        return Step.GO_ON;
    }

    private Step sendAnswer() throws IOException
    {
        final long before = fileLeft + remaining(answer);
        final boolean done = writeAnswer();
        turnBytes += before - fileLeft - remaining(answer);
        if (!done)
        {
            return waitFor(SelectionKey.OP_WRITE);
        }
        counters.bytesOut.addAndGet(answerDataBytes);
        answer = null;
        file = null;
        if (closeAfterAnswer)
        {
            return Step.CLOSE;
        }
        phase = Phase.HEADER;
        return Step.GO_ON;
    }

    /** Begins serving {@code h}. */
    private Step start(final TransferHeader h)
    {
        final int op = h.operation();
        if (op != TransferHeader.READ && op != TransferHeader.WRITE)
        {
            return bad("unknown transfer opcode 0x" + Integer.toHexString(h.opcode()));
        }
        if (h.size() == 0)
        {
            if (h.v2())
            {
                answerStatus(TransferStatus.OK);
            }
            return Step.GO_ON;
        }
        final RegisteredMemory.Region backing = h.size() <= Integer.MAX_VALUE ? memory.find(h.addr(), h.size()) : null;
        if (backing == null)
        {
            return reject(h);
        }
        if (op == TransferHeader.WRITE)
        {
            payload = memory.view(h.addr(), h.size());
            payloadBytes = h.size();
            payloadV2 = h.v2();
            phase = Phase.PAYLOAD;
            return Step.GO_ON;
        }
        if (h.v2() && backing.file() != null)
        {
            // the status, then the bytes straight from the segment's memory file through sendfile
            answerRead(h, null);
            file = backing.file();
            filePosition = h.addr() - backing.base();
            fileLeft = h.size();
            return Step.GO_ON;
        }
        answerRead(h, memory.view(h.addr(), h.size()));
        return Step.GO_ON;
    }

    /** A range outside the registered memory: answered "rejected" on v2 (after draining a WRITE), closed on v1. */
    private Step reject(final TransferHeader h)
    {
        counters.rejected.incrementAndGet();
        final String why = "address range 0x" + Long.toHexString(h.addr()) + "+" + Long.toUnsignedString(h.size())
            + " is outside the registered memory";
        if (!h.v2())
        {
            return bad(why + " (v1 peer: closing)");
        }
        if (h.operation() == TransferHeader.WRITE)
        {
            if (h.size() < 0 || h.size() > MAX_DRAIN_BYTES)
            {
                answerStatus(TransferStatus.ADDRESS_REJECTED);
                closeAfterAnswer = true;
                closeReason = why + " and too large to drain";
                counters.badRequests.incrementAndGet();
                return Step.GO_ON;
            }
            LOG.log(System.Logger.Level.WARNING, "transfer request rejected: " + why);
            drainLeft = h.size();
            phase = Phase.DRAIN;
            return Step.GO_ON;
        }
        LOG.log(System.Logger.Level.WARNING, "transfer request rejected: " + why);
        answerStatus(TransferStatus.ADDRESS_REJECTED);
        return Step.GO_ON;
    }

    /** Starts a v2 status answer {@code code} with no data. */
    private void answerStatus(final int code)
    {
        status.clear();
        TransferStatus.encode(status, code);
        status.flip();
        answer = new ByteBuffer[] {status};
        answerDataBytes = 0;
        phase = Phase.ANSWER;
    }

    /**
     * Starts the answer to READ request {@code h}: the OK status on v2, then {@code data} (null when the data
     * leaves through the segment's file instead; v2 only).
     */
    private void answerRead(final TransferHeader h, final ByteBuffer data)
    {
        if (h.v2())
        {
            status.clear();
            TransferStatus.encode(status, TransferStatus.OK);
            status.flip();
            answer = data == null ? new ByteBuffer[] {status} : new ByteBuffer[] {status, data};
        }
        else
        {
            answer = new ByteBuffer[] {data};
        }
        answerDataBytes = h.size();
        phase = Phase.ANSWER;
    }

    /** Writes what the socket takes of the answer; true once all of it is sent. */
    private boolean writeAnswer() throws IOException
    {
        final ByteBuffer last = answer[answer.length - 1];
        if (last.hasRemaining())
        {
            progressed(channel.write(answer));
            if (last.hasRemaining())
            {
                return false;
            }
        }
        while (fileLeft > 0)
        {
            final long sent = file.transferTo(filePosition, fileLeft, channel);
            if (sent <= 0)
            {
                return false;
            }
            progressed(sent);
            filePosition += sent;
            fileLeft -= sent;
        }
        return true;
    }

    private static long remaining(final ByteBuffer[] buffers)
    {
        long n = 0;
        if (buffers != null)
        {
            for (final ByteBuffer b : buffers)
            {
                n += b.remaining();
            }
        }
        return n;
    }

    private void progressed(final long bytes)
    {
        if (bytes > 0)
        {
            lastProgressNs = System.nanoTime();
        }
    }

    private boolean await(final int interest)
    {
        if (key.interestOps() != interest)
        {
            key.interestOps(interest);
        }
        return true;
    }

    private Step waitFor(final int interest)
    {
        await(interest);
        return Step.WAIT;
    }

    private Step bad(final String reason)
    {
        counters.badRequests.incrementAndGet();
        closeReason = reason;
        return Step.CLOSE;
    }
}
