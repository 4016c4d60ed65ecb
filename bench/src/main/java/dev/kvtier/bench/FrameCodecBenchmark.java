package dev.kvtier.bench;

import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.ReplicaStatus;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Result;
import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.MasterMessageCodec;
import dev.kvtier.transport.tcp.frame.WireWriter;
import dev.kvtier.transport.tcp.transfer.TransferHeader;
import dev.kvtier.transport.tcp.transfer.TransferStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control-plane codec on the master's hot path: encode and decode of a PutStart request, of a
 * GetReplicaList reply, and of a 128-key BatchGetReplicaList reply (what a HiCache prefetch of 64 MHA pages asks);
 * plus the 24-byte transfer header and the status frame of the data plane.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FrameCodecBenchmark
{
    private final WireWriter writer = new WireWriter(64 * 1024);
    private MasterRequest.PutStart putStart;
    private MasterReply replicaReply;
    private MasterReply batchReply;
    private ByteBuffer putStartBytes;
    private ByteBuffer replicaReplyBytes;
    private ByteBuffer batchReplyBytes;
    private final ByteBuffer header = ByteBuffer.allocateDirect(TransferHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);

    @Setup
    public void setup()
    {
        putStart = new MasterRequest.PutStart(1, 42,
            "c1f0e3a9b7d24c55aa01b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef_0_k", 1 << 20,
            ReplicateConfig.defaults());
        final List<ReplicaDescriptor> one = List.of(new ReplicaDescriptor("10.0.0.7:12345", 0x7f12_3456_0000L,
            1 << 20, ReplicaStatus.COMPLETE));
        replicaReply = new MasterReply(2, ErrorCode.OK, one);
        final List<Result<List<ReplicaDescriptor>>> many = new ArrayList<>();
        for (int i = 0; i < 128; i++)
        {
            many.add(Result.ok(one));
        }
        batchReply = new MasterReply(3, ErrorCode.OK, many);
        writer.clear();
        MasterMessageCodec.encodeRequest(writer, putStart, 30_000);
        putStartBytes = writer.copy();
        writer.clear();
        MasterMessageCodec.encodeReply(writer, replicaReply);
        replicaReplyBytes = writer.copy();
        writer.clear();
        MasterMessageCodec.encodeReply(writer, batchReply);
        batchReplyBytes = writer.copy();
    }

    @Benchmark
    public int encodePutStart()
    {
        writer.clear();
        MasterMessageCodec.encodeRequest(writer, putStart, 30_000);
        return writer.position();
    }

    @Benchmark
    public MasterRequest decodePutStart()
    {
        return MasterMessageCodec.decodeRequest(ControlFrame.decode(putStartBytes.duplicate(), 1 << 24));
    }

    @Benchmark
    public int encodeReplicaReply()
    {
        writer.clear();
        MasterMessageCodec.encodeReply(writer, replicaReply);
        return writer.position();
    }

    @Benchmark
    public MasterReply decodeReplicaReply()
    {
        return MasterMessageCodec.decodeReply(ControlFrame.decode(replicaReplyBytes.duplicate(), 1 << 24));
    }

    @Benchmark
    public int encodeBatchReply128()
    {
        writer.clear();
        MasterMessageCodec.encodeReply(writer, batchReply);
        return writer.position();
    }

    @Benchmark
    public MasterReply decodeBatchReply128()
    {
        return MasterMessageCodec.decodeReply(ControlFrame.decode(batchReplyBytes.duplicate(), 1 << 24));
    }

    @Benchmark
    public int transferHeaderAndStatus()
    {
        header.clear();
        TransferHeader.read(0x7f12_3456_0000L, 1 << 20).encode(header);
        header.flip();
        final TransferHeader h = TransferHeader.decode(header);
        header.clear();
        TransferStatus.encode(header, TransferStatus.OK);
        header.flip();
        return TransferStatus.decode(header) + h.opcode();
    }
}
