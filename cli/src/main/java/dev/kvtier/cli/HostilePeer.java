package dev.kvtier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The misbehaving peers of a chaos run, each on plain sockets to loopback and each bounded in time: connections that
 * start a master RPC frame and never finish it, garbage on a store's data port, and a metadata {@code PUT} whose body
 * trickles in a byte at a time. None of them expects an answer; they end by closing their sockets. Every parameter
 * (how many, how long, which bytes) comes from the {@code rnd} they are given, so a seed replays them.
 */
final class HostilePeer
{
    private HostilePeer()
    {
    }

    /**
     * Opens 1-8 connections to the master's RPC port that each declare a frame of up to 1 MiB (length, version 1,
     * kind request) and send part of it, holds them for {@code holdMs}, then closes them.
     */
    static void halfSentFrames(final int port, final SplittableRandom rnd, final long holdMs) throws IOException,
        InterruptedException
    {
        final int count = rnd.nextInt(1, 9);
        final List<Socket> open = new ArrayList<>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                final int declared = rnd.nextInt(64, 1 << 20);
                final Socket s = connect(port);
                open.add(s);
                final ByteBuffer head = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
                head.putInt(declared).put((byte)1).put((byte)1);
                final OutputStream out = s.getOutputStream();
                out.write(head.array());
                out.write(randomBytes(rnd, rnd.nextInt(0, declared / 2)));
                out.flush();
            }
            Thread.sleep(holdMs);
        }
        finally
        {
            closeAll(open);
        }
    }

    /**
     * Sends a store's data port random bytes: either a whole random buffer, or a transfer header (24 bytes: size,
     * address, opcode) with random fields followed by part of its payload; waits up to {@code holdMs} for the store
     * to close the connection, then closes it.
     */
    static void dataPortGarbage(final int port, final SplittableRandom rnd, final long holdMs) throws IOException
    {
        try (Socket s = connect(port))
        {
            final OutputStream out = s.getOutputStream();
            if (rnd.nextBoolean())
            {
                out.write(randomBytes(rnd, rnd.nextInt(1, 64 * 1024)));
            }
            else
            {
                final ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                final long size = rnd.nextLong(1, 1L << 20);
                head.putLong(size).putLong(rnd.nextLong()).put((byte)(rnd.nextBoolean() ? 0x81 : 0x80));
                out.write(head.array());
                out.write(randomBytes(rnd, (int)rnd.nextLong(0, size / 2 + 1)));
            }
            out.flush();
            drainUntilClosed(s, holdMs);
        }
        catch (final IOException e)
        {
            // the store closed on us mid-write: what it should do with garbage
        }
    }

    /**
     * A metadata {@code PUT} that declares a small body and sends it one byte every 50 ms for {@code holdMs}, then
     * gives up with the body unfinished.
     */
    static void slowMetadataBody(final int port, final SplittableRandom rnd, final long holdMs) throws IOException,
        InterruptedException
    {
        try (Socket s = connect(port))
        {
            final OutputStream out = s.getOutputStream();
            out.write(("PUT /metadata?key=chaos/slow-" + rnd.nextInt(1000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 65536\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final long until = System.nanoTime() + holdMs * 1_000_000L;
            while (System.nanoTime() < until)
            {
                out.write('x');
                out.flush();
                Thread.sleep(50);
            }
        }
        catch (final IOException e)
        {
            // the service closed the slow request: what it should do
        }
    }

    private static Socket connect(final int port) throws IOException
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(1_000);
        return s;
    }

    private static byte[] randomBytes(final SplittableRandom rnd, final int n)
    {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i += 8)
        {
            long v = rnd.nextLong();
            for (int j = i; j < Math.min(n, i + 8); j++, v >>>= 8)
            {
                b[j] = (byte)v;
            }
        }
        return b;
    }

    private static void drainUntilClosed(final Socket s, final long holdMs) throws IOException
    {
        final InputStream in = s.getInputStream();
        final byte[] sink = new byte[4096];
        final long until = System.nanoTime() + holdMs * 1_000_000L;
        while (System.nanoTime() < until)
        {
            try
            {
                if (in.read(sink) < 0)
                {
                    return;
                }
            }
            catch (final SocketTimeoutException e)
            {
                // still open: keep waiting until holdMs
            }
        }
    }

    private static void closeAll(final List<Socket> sockets)
    {
        for (final Socket s : sockets)
        {
            try
            {
                s.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
    }
}
