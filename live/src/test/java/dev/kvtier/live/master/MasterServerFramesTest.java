package dev.kvtier.live.master;

import dev.kvtier.live.LiveMaster;
import dev.kvtier.model.store.ClientStatus;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.MasterMessageCodec;
import dev.kvtier.transport.tcp.frame.WireWriter;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The live master's control plane against raw sockets: bad frames and expired deadlines. */
class MasterServerFramesTest
{
    private static ControlFrame answerTo(final SocketChannel raw, final ByteBuffer request) throws Exception
    {
        raw.write(request);
        final ByteBuffer in = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        ControlFrame f = null;
        while (f == null && raw.read(in) >= 0)
        {
            final ByteBuffer view = in.duplicate().flip();
            f = ControlFrame.decode(view, 4096);
        }
        return f;
    }

    @Test
    void malformedRequestsCloseTheirConnectionAndTheMasterKeepsServing() throws Exception
    {
        try (LiveMaster master = new LiveMaster(MasterConfig.defaults()))
        {
            final InetSocketAddress addr = new InetSocketAddress("127.0.0.1", master.server().rpcPort());
            final WireWriter w = new WireWriter(64);
            ControlFrame.finish(w, ControlFrame.begin(w, ControlFrame.KIND_REQUEST, 250, 9, 0));
            try (SocketChannel raw = SocketChannel.open(addr))
            {
                final ControlFrame f = answerTo(raw, w.copy());
                assertThat(f.kind()).isEqualTo(ControlFrame.KIND_ERROR);
                assertThat(f.errorText()).isEqualTo("malformed request: unknown request type 250");
                assertThat(raw.read(ByteBuffer.allocate(16))).as("closed after the error").isEqualTo(-1);
            }
            w.clear();
            ControlFrame.finish(w, ControlFrame.begin(w, ControlFrame.KIND_REPLY, MasterMessageCodec.TYPE_REPLY, 9, 0));
            try (SocketChannel raw = SocketChannel.open(addr))
            {
                assertThat(answerTo(raw, w.copy()).errorText()).isEqualTo("expected a request frame, got kind 2");
            }
            try (MasterRpcClient client = MasterRpcClient.connect(master.rpcAddress()))
            {
                assertThat(client.call(new MasterRequest.Ping(client.nextRequestId(), 5), 5000).value())
                    .isEqualTo(ClientStatus.NEED_REMOUNT);
            }
        }
    }

    @Test
    void aRequestWhoseBudgetRanOutInTheQueueIsAnsweredWithAnError() throws Exception
    {
        try (LiveMaster master = new LiveMaster(MasterConfig.defaults());
             SocketChannel raw = SocketChannel.open(new InetSocketAddress("127.0.0.1", master.server().rpcPort())))
        {
            final CountDownLatch busy = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            master.server().runner().submit(() ->
            {
                busy.countDown();
                try
                {
                    release.await(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            final WireWriter w = new WireWriter(64);
            MasterMessageCodec.encodeRequest(w, new MasterRequest.Ping(77, 5), 1);
            raw.write(w.copy());
            Thread.sleep(300); // far past the request's 1 ms budget, while the master thread is held
            release.countDown();
            final ControlFrame f = answerTo(raw, ByteBuffer.allocate(0));
            assertThat(f.kind()).isEqualTo(ControlFrame.KIND_ERROR);
            assertThat(f.requestId()).isEqualTo(77);
            assertThat(f.type()).isEqualTo(ControlFrame.ERROR_DEADLINE);
            assertThat(f.errorText()).startsWith("deadline exceeded");
        }
    }
}
