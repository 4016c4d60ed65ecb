package dev.kvtier.transport.tcp.transfer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One persistent v2 connection to a peer's transfer server. A batch of operations is pipelined: every header (and
 * write payload) goes out first, then the answers are read in order, so a batch costs one round trip rather than
 * one per slice. Not thread-safe: a lane is used by one caller at a time (see {@link TransferClient}).
 */
public final class TransferLane implements AutoCloseable
{
    /** Socket buffers large enough for a 1 MiB value in flight without waiting on window updates. */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private final SocketChannel ch;
    private final ByteBuffer header = ByteBuffer.allocateDirect(TransferHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer status = ByteBuffer.allocateDirect(TransferStatus.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private volatile String abortReason;
    private volatile long busySinceNs;

    public TransferLane(final InetSocketAddress peer) throws IOException
    {
        ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        ch.connect(peer);
    }

    /**
     * Runs {@code ops} pipelined and returns one status per op: {@link TransferStatus#OK} or
     * {@link TransferStatus#ADDRESS_REJECTED}. A read's data is only written into its buffer after an OK status.
     *
     * @throws TransferException when the connection fails; the lane is then unusable
     */
    public int[] run(final List<TransferOp> ops)
    {
        final int[] codes = new int[ops.size()];
        try
        {
            for (final TransferOp op : ops)
            {
                final ByteBuffer local = op.local().duplicate();
                header.clear();
                (op.write() ? TransferHeader.write(op.remoteAddr(), local.remaining())
                    : TransferHeader.read(op.remoteAddr(), local.remaining())).encode(header);
                header.flip();
                if (op.write())
                {
                    writeFully(withSlices(header, local));
                }
                else
                {
                    writeFully(header);
                }
            }
            for (int i = 0; i < ops.size(); i++)
            {
                final TransferOp op = ops.get(i);
                status.clear();
                final ByteBuffer data = op.write() ? null : op.local().duplicate();
                if (data != null && i == ops.size() - 1)
                {
                    // nothing follows the last answer on this lane, so its status and data may be read together
                    final ByteBuffer[] both = {status, data};
                    while (status.hasRemaining())
                    {
                        if (ch.read(both) < 0)
                        {
                            throw new IOException("connection closed by peer");
                        }
                    }
                }
                else
                {
                    readFully(status);
                }
                status.flip();
                codes[i] = TransferStatus.decode(status);
                if (data != null && codes[i] == TransferStatus.OK)
                {
                    readFully(data);
                }
            }
            return codes;
        }
        catch (final IOException | TransferException e)
        {
            close();
            final String why = abortReason != null ? abortReason : e.getMessage();
            throw new TransferException("transfer to " + peerName() + " failed: " + why, e, abortReason != null);
        }
    }

    /**
     * The header followed by the payload cut into {@link TransferHeader#SLICE_BYTES} slices, as the reference's
     * sender writes it; handed to the kernel in one gathering write instead of a call per slice.
     */
    private static ByteBuffer[] withSlices(final ByteBuffer header, final ByteBuffer payload)
    {
        final int slices = (payload.remaining() + TransferHeader.SLICE_BYTES - 1) / TransferHeader.SLICE_BYTES;
        final ByteBuffer[] out = new ByteBuffer[1 + slices];
        out[0] = header;
        int from = payload.position();
        for (int i = 1; i <= slices; i++)
        {
            final ByteBuffer s = payload.duplicate();
            s.position(from).limit(Math.min(payload.limit(), from + TransferHeader.SLICE_BYTES));
            out[i] = s;
            from = s.limit();
        }
        return out;
    }

    private void writeFully(final ByteBuffer[] buffers) throws IOException
    {
        final ByteBuffer last = buffers[buffers.length - 1];
        while (last.hasRemaining())
        {
            ch.write(buffers);
        }
    }

    private void writeFully(final ByteBuffer b) throws IOException
    {
        while (b.hasRemaining())
        {
            ch.write(b);
        }
    }

    private void readFully(final ByteBuffer b) throws IOException
    {
        while (b.hasRemaining())
        {
            if (ch.read(b) < 0)
            {
                throw new IOException("connection closed by peer");
            }
        }
    }

    void markBusy(final long sinceNs)
    {
        busySinceNs = sinceNs;
    }

    long busySinceNs()
    {
        return busySinceNs;
    }

    /** Closes the socket from another thread, failing a blocked {@link #run} with {@code reason}. */
    public void abort(final String reason)
    {
        abortReason = reason;
        close();
    }

    public boolean isOpen()
    {
        return ch.isOpen();
    }

    private String peerName()
    {
        try
        {
            return String.valueOf(ch.getRemoteAddress());
        }
        catch (final IOException e)
        {
            return "peer";
        }
    }

    @Override
    public void close()
    {
        try
        {
            ch.close();
        }
        catch (final IOException ignored)
        {
            // already closing
        }
    }
}
