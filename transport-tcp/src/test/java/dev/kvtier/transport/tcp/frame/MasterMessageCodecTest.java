package dev.kvtier.transport.tcp.frame;

import dev.kvtier.model.store.ClientStatus;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.ReplicaStatus;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Result;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.StoreKey;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MasterMessageCodecTest
{
    private static final ReplicateConfig CONFIG = ReplicateConfig.defaults().withReplicas(2).withSoftPin(5000)
        .withPreferred(List.of("a:1", "b:2")).withHost("host-7");
    private static final Segment SEGMENT = new Segment(42, "127.0.0.1:12345", 0x7f00_0000_0000L, 1 << 30, 9, "h");

    /** A page key as SGLang names it: made from a digest, it travels as this hex and comes back equal. */
    private static final String DIGEST_HEX = "00ff" + "0123456789abcdef".repeat(3) + "fedcba987654";

    private static final List<MasterRequest> EVERY_REQUEST = List.of(
        new MasterRequest.PutStart(1, 9, "key-ü", 4096, CONFIG),
        new MasterRequest.PutEnd(2, 9, "k"),
        new MasterRequest.PutRevoke(3, 9, "k"),
        new MasterRequest.GetReplicaList(4, "k"),
        new MasterRequest.ExistKey(5, "k"),
        new MasterRequest.BatchExistKey(6, StoreKey.of(List.of("a", "b", "", DIGEST_HEX))),
        new MasterRequest.BatchPutStart(7, 9, StoreKey.of(List.of("a", "b")), List.of(1L, 2L), CONFIG),
        new MasterRequest.BatchPutEnd(8, 9, StoreKey.of(List.of("a", "b"))),
        new MasterRequest.BatchGetReplicaList(9, StoreKey.of(List.of("a"))),
        new MasterRequest.Remove(10, "k", true),
        new MasterRequest.RemoveByRegex(11, "^k.*", false),
        new MasterRequest.RemoveAll(12, true),
        new MasterRequest.MountSegment(13, SEGMENT, 9),
        new MasterRequest.ReMountSegment(14, List.of(SEGMENT, SEGMENT), 9),
        new MasterRequest.UnmountSegment(15, 42, 9),
        new MasterRequest.Ping(16, 9),
        new MasterRequest.GetSize(17, "k"),
        new MasterRequest.BatchPutRevoke(18, 9, StoreKey.of(List.of("x"))),
        new MasterRequest.BatchRemove(19, StoreKey.of(List.of("x", "y")), true));

    private static ControlFrame onlyFrame(final WireWriter w)
    {
        final ByteBuffer bytes = w.view();
        final ControlFrame f = ControlFrame.decode(bytes, ControlFrame.DEFAULT_MAX_FRAME_BYTES);
        assertThat(bytes.hasRemaining()).isFalse();
        return f;
    }

    @Test
    void everyRequestTypeRoundTripsWithItsIdAndDeadline()
    {
        final WireWriter w = new WireWriter(16);
        for (final MasterRequest r : EVERY_REQUEST)
        {
            w.clear();
            MasterMessageCodec.encodeRequest(w, r, 1234);
            final ControlFrame f = onlyFrame(w);
            assertThat(f.kind()).isEqualTo(ControlFrame.KIND_REQUEST);
            assertThat(f.timeoutMs()).isEqualTo(1234);
            assertThat(f.requestId()).isEqualTo(r.requestId());
            assertThat(MasterMessageCodec.decodeRequest(f)).isEqualTo(r);
        }
        assertThat(EVERY_REQUEST.stream().map(MasterMessageCodec::typeOf).distinct()).hasSize(19);
    }

    @Test
    void everyReplyValueShapeRoundTrips()
    {
        final List<ReplicaDescriptor> replicas = List.of(
            new ReplicaDescriptor("s:1", 0x1000, 64, ReplicaStatus.COMPLETE),
            new ReplicaDescriptor("s:2", 0x2000, 64, ReplicaStatus.PROCESSING));
        final List<Object> values = List.of(true, 77L, ClientStatus.NEED_REMOUNT, replicas, List.of(true, false),
            List.of(Result.ok(replicas), Result.fail(ErrorCode.OBJECT_NOT_FOUND), Result.ok(null)));
        final WireWriter w = new WireWriter(16);
        for (final Object v : values)
        {
            w.clear();
            MasterMessageCodec.encodeReply(w, new MasterReply(99, ErrorCode.OK, v));
            assertThat(MasterMessageCodec.decodeReply(onlyFrame(w))).isEqualTo(new MasterReply(99, ErrorCode.OK, v));
        }
        w.clear();
        MasterMessageCodec.encodeReply(w, new MasterReply(5, ErrorCode.OBJECT_HAS_LEASE, null));
        assertThat(MasterMessageCodec.decodeReply(onlyFrame(w)).error()).isEqualTo(ErrorCode.OBJECT_HAS_LEASE);
    }

    @Test
    void incompleteFramesWaitForMoreBytes()
    {
        final WireWriter w = new WireWriter(16);
        MasterMessageCodec.encodeRequest(w, new MasterRequest.Ping(1, 2), 0);
        final ByteBuffer all = w.view();
        for (int cut = 0; cut < all.remaining(); cut++)
        {
            final ByteBuffer part = all.duplicate().limit(cut);
            assertThat(ControlFrame.decode(part, 1 << 20)).as("cut at %d", cut).isNull();
            assertThat(part.position()).isZero();
        }
    }

    @Test
    void unknownVersionOversizedAndMalformedFramesAreRefusedWithTheReason()
    {
        final WireWriter w = new WireWriter(16);
        MasterMessageCodec.encodeRequest(w, new MasterRequest.Ping(1, 2), 0);
        final ByteBuffer v9 = w.copy();
        v9.put(4, (byte)9);
        assertThatThrownBy(() -> ControlFrame.decode(v9, 1 << 20))
            .isInstanceOf(FrameException.class).hasMessage("unsupported frame version 9; this peer speaks version 1");

        final ByteBuffer huge = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(64 << 20)
            .put((byte)1).flip();
        assertThatThrownBy(() -> ControlFrame.decode(huge, 16 << 20)).isInstanceOf(FrameException.class)
            .hasMessageContaining("frame length 67108864 outside");

        final ByteBuffer badKind = w.copy();
        badKind.put(5, (byte)7);
        assertThatThrownBy(() -> ControlFrame.decode(badKind, 1 << 20)).hasMessage("unknown frame kind 7");

        // a PutStart whose key claims more bytes than the frame holds
        w.clear();
        final int start = ControlFrame.begin(w, ControlFrame.KIND_REQUEST, 1, 5, 0);
        w.i64(9).i32(1000).u8('k');
        ControlFrame.finish(w, start);
        final ControlFrame lying = ControlFrame.decode(w.view(), 1 << 20);
        assertThatThrownBy(() -> MasterMessageCodec.decodeRequest(lying)).isInstanceOf(FrameException.class)
            .hasMessageContaining("bad count 1000 for field 'key'");

        w.clear();
        ControlFrame.finish(w, ControlFrame.begin(w, ControlFrame.KIND_REQUEST, 250, 5, 0));
        final ControlFrame unknown = ControlFrame.decode(w.view(), 1 << 20);
        assertThatThrownBy(() -> MasterMessageCodec.decodeRequest(unknown)).hasMessage("unknown request type 250");
    }
}
