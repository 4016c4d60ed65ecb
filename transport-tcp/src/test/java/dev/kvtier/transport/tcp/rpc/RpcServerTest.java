package dev.kvtier.transport.tcp.rpc;

import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.MasterMessageCodec;
import dev.kvtier.transport.tcp.frame.WireWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control plane with real sockets: an echo server that answers each request with OK and its id. */
class RpcServerTest
{
    private final LinkedBlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private RpcServer server;

    @BeforeEach
    void start() throws IOException
    {
        server = new RpcServer("127.0.0.1", 0, 4096, new RpcServer.Handler()
        {
            @Override
            public void onFrame(final RpcConnection c, final ControlFrame f)
            {
                final MasterRequest r = MasterMessageCodec.decodeRequest(f);
                if (r instanceof MasterRequest.Remove)
                {
                    c.send(ControlFrame.error(r.requestId(), ControlFrame.ERROR_DEADLINE, "budget ran out in the queue"));
                    return;
                }
                if (r instanceof MasterRequest.ExistKey)
                {
                    return; // never answers: the client's deadline must fire
                }
                final WireWriter w = new WireWriter(64);
                MasterMessageCodec.encodeReply(w, new MasterReply(r.requestId(), ErrorCode.OK, r.requestId()));
                c.send(w.copy());
            }

            @Override
            public void onClose(final RpcConnection c, final String reason)
            {
                closes.add(reason);
            }
        }).start("test-rpc");
    }

    @AfterEach
    void stop() throws IOException
    {
        server.close();
    }

    @Test
    void pipelinedCallsFromManyThreadsGetTheirOwnReplies() throws Exception
    {
        try (MasterRpcClient client = MasterRpcClient.connect("127.0.0.1:" + server.port()))
        {
            final Thread[] threads = new Thread[4];
            final java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < threads.length; t++)
            {
                threads[t] = new Thread(() ->
                {
                    for (int i = 0; i < 500; i++)
                    {
                        final long id = client.nextRequestId();
                        final MasterReply r = client.call(new MasterRequest.Ping(id, 1), 5000);
                        if (r.requestId() != id || !Long.valueOf(id).equals(r.value()))
                        {
                            wrong.incrementAndGet();
                        }
                    }
                });
                threads[t].start();
            }
            for (final Thread t : threads)
            {
                t.join();
            }
            assertThat(wrong.get()).isZero();
            assertThatThrownBy(() -> client.call(new MasterRequest.ExistKey(client.nextRequestId(), "k"), 200))
                .isInstanceOf(RpcException.class).extracting(e -> ((RpcException)e).code())
                .isEqualTo(ErrorCode.RPC_TIMEOUT);
            assertThatThrownBy(() -> client.call(new MasterRequest.Remove(client.nextRequestId(), "k", false), 2000))
                .isInstanceOf(RpcException.class).extracting(e -> ((RpcException)e).code())
                .isEqualTo(ErrorCode.RPC_TIMEOUT);
        }
    }

    private String errorFrameAfter(final ByteBuffer bytes) throws Exception
    {
        try (SocketChannel raw = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port())))
        {
            raw.write(bytes);
            final ByteBuffer in = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            while (raw.read(in) >= 0)
            {
                // read until the server closes
            }
            in.flip();
            final ControlFrame f = ControlFrame.decode(in, 4096);
            assertThat(f.kind()).isEqualTo(ControlFrame.KIND_ERROR);
            assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo(f.errorText());
            return f.errorText();
        }
    }

    @Test
    void unknownVersionsOversizedAndMalformedFramesCloseThatConnectionWithTheReason() throws Exception
    {
        final WireWriter w = new WireWriter(64);
        MasterMessageCodec.encodeRequest(w, new MasterRequest.Ping(1, 2), 0);
        final ByteBuffer v2 = w.copy();
        v2.put(4, (byte)2);
        assertThat(errorFrameAfter(v2)).isEqualTo("unsupported frame version 2; this peer speaks version 1");
        assertThat(errorFrameAfter(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1 << 20).putInt(0)
            .flip())).startsWith("frame length 1048576 outside");
        assertThat(errorFrameAfter(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes()))).startsWith("frame length");

        try (SocketChannel raw = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port())))
        {
            final ByteBuffer half = w.copy();
            half.limit(10);
            raw.write(half);
            raw.shutdownOutput();
            assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo("connection ended inside a frame (10 bytes pending)");
        }
        try (MasterRpcClient client = MasterRpcClient.connect("127.0.0.1:" + server.port()))
        {
            assertThat(client.call(new MasterRequest.Ping(client.nextRequestId(), 1), 5000).error())
                .isEqualTo(ErrorCode.OK);
        }
    }
}
