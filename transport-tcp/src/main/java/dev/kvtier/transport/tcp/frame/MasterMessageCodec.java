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

import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of the master's RPCs ({@link MasterRequest}, {@link MasterReply}) inside {@link ControlFrame}s.
 * Upstream speaks struct_pack over coro_rpc; kvtier keeps the names and semantics but not that wire format.
 * Reply values carry a one-byte tag, because one reply type answers every request.
 */
public final class MasterMessageCodec
{
    /** Frame type of every reply. */
    public static final int TYPE_REPLY = 128;
    /**
     * Frame type of the hello a client sends first when it has a cluster token (payload: the token's UTF-8 bytes).
     * It is not answered: a master that takes it serves the requests that follow, one that refuses it closes the
     * connection with an error frame saying why.
     */
    public static final int TYPE_HELLO = 200;

    private static final int TAG_NULL = 0;
    private static final int TAG_BOOL = 1;
    private static final int TAG_LONG = 2;
    private static final int TAG_CLIENT_STATUS = 3;
    private static final int TAG_REPLICAS = 4;
    private static final int TAG_BOOLS = 5;
    private static final int TAG_RESULTS = 6;

    private MasterMessageCodec()
    {
    }

    /** Frame type for a request. */
    public static int typeOf(final MasterRequest r)
    {
        if (r instanceof MasterRequest.PutStart) return 1;
        if (r instanceof MasterRequest.PutEnd) return 2;
        if (r instanceof MasterRequest.PutRevoke) return 3;
        if (r instanceof MasterRequest.GetReplicaList) return 4;
        if (r instanceof MasterRequest.ExistKey) return 5;
        if (r instanceof MasterRequest.BatchExistKey) return 6;
        if (r instanceof MasterRequest.BatchPutStart) return 7;
        if (r instanceof MasterRequest.BatchPutEnd) return 8;
        if (r instanceof MasterRequest.BatchGetReplicaList) return 9;
        if (r instanceof MasterRequest.Remove) return 10;
        if (r instanceof MasterRequest.RemoveByRegex) return 11;
        if (r instanceof MasterRequest.RemoveAll) return 12;
        if (r instanceof MasterRequest.MountSegment) return 13;
        if (r instanceof MasterRequest.ReMountSegment) return 14;
        if (r instanceof MasterRequest.UnmountSegment) return 15;
        if (r instanceof MasterRequest.Ping) return 16;
        if (r instanceof MasterRequest.GetSize) return 17;
        if (r instanceof MasterRequest.BatchPutRevoke) return 18;
        return 19;
    }

    /** Appends one whole request frame to {@code w}. */
    public static void encodeRequest(final WireWriter w, final MasterRequest r, final int timeoutMs)
    {
        final int start = ControlFrame.begin(w, ControlFrame.KIND_REQUEST, typeOf(r), r.requestId(), timeoutMs);
        if (r instanceof MasterRequest.PutStart p)
        {
            w.i64(p.clientId()).string(p.key().toString()).i64(p.length());
            config(w, p.config());
        }
        else if (r instanceof MasterRequest.PutEnd p)
        {
            w.i64(p.clientId()).string(p.key().toString());
        }
        else if (r instanceof MasterRequest.PutRevoke p)
        {
            w.i64(p.clientId()).string(p.key().toString());
        }
        else if (r instanceof MasterRequest.GetReplicaList p)
        {
            w.string(p.key().toString());
        }
        else if (r instanceof MasterRequest.ExistKey p)
        {
            w.string(p.key().toString());
        }
        else if (r instanceof MasterRequest.BatchExistKey p)
        {
            keys(w, p.keys());
        }
        else if (r instanceof MasterRequest.BatchPutStart p)
        {
            w.i64(p.clientId());
            keys(w, p.keys());
            w.i32(p.lengths().size());
            for (final long len : p.lengths())
            {
                w.i64(len);
            }
            config(w, p.config());
        }
        else if (r instanceof MasterRequest.BatchPutEnd p)
        {
            w.i64(p.clientId());
            keys(w, p.keys());
        }
        else if (r instanceof MasterRequest.BatchGetReplicaList p)
        {
            keys(w, p.keys());
        }
        else if (r instanceof MasterRequest.Remove p)
        {
            w.string(p.key().toString()).bool(p.force());
        }
        else if (r instanceof MasterRequest.RemoveByRegex p)
        {
            w.string(p.regex()).bool(p.force());
        }
        else if (r instanceof MasterRequest.RemoveAll p)
        {
            w.bool(p.force());
        }
        else if (r instanceof MasterRequest.MountSegment p)
        {
            segment(w, p.segment());
            w.i64(p.clientId());
        }
        else if (r instanceof MasterRequest.ReMountSegment p)
        {
            w.i32(p.segments().size());
            for (final Segment s : p.segments())
            {
                segment(w, s);
            }
            w.i64(p.clientId());
        }
        else if (r instanceof MasterRequest.UnmountSegment p)
        {
            w.i64(p.segmentId()).i64(p.clientId());
        }
        else if (r instanceof MasterRequest.Ping p)
        {
            w.i64(p.clientId());
        }
        else if (r instanceof MasterRequest.GetSize p)
        {
            w.string(p.key().toString());
        }
        else if (r instanceof MasterRequest.BatchPutRevoke p)
        {
            w.i64(p.clientId());
            keys(w, p.keys());
        }
        else if (r instanceof MasterRequest.BatchRemove p)
        {
            keys(w, p.keys());
            w.bool(p.force());
        }
        ControlFrame.finish(w, start);
    }

    /** Decodes a request frame's payload. */
    public static MasterRequest decodeRequest(final ControlFrame f)
    {
        final WireReader in = new WireReader(f.payload());
        final long id = f.requestId();
        final MasterRequest r = switch (f.type())
        {
            case 1 -> new MasterRequest.PutStart(id, in.i64("client_id"), in.key("key"), in.i64("length"),
                config(in));
            case 2 -> new MasterRequest.PutEnd(id, in.i64("client_id"), in.key("key"));
            case 3 -> new MasterRequest.PutRevoke(id, in.i64("client_id"), in.key("key"));
            case 4 -> new MasterRequest.GetReplicaList(id, in.key("key"));
            case 5 -> new MasterRequest.ExistKey(id, in.key("key"));
            case 6 -> new MasterRequest.BatchExistKey(id, keys(in));
            case 7 ->
            {
                final long client = in.i64("client_id");
                final List<StoreKey> keys = keys(in);
                final int n = in.count("lengths", 8);
                final List<Long> lengths = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    lengths.add(in.i64("length"));
                }
                if (lengths.size() != keys.size())
                {
                    throw new FrameException("batch_put_start has " + keys.size() + " keys but " + n + " lengths");
                }
                yield new MasterRequest.BatchPutStart(id, client, keys, lengths, config(in));
            }
            case 8 -> new MasterRequest.BatchPutEnd(id, in.i64("client_id"), keys(in));
            case 9 -> new MasterRequest.BatchGetReplicaList(id, keys(in));
            case 10 -> new MasterRequest.Remove(id, in.key("key"), in.bool("force"));
            case 11 -> new MasterRequest.RemoveByRegex(id, in.string("regex"), in.bool("force"));
            case 12 -> new MasterRequest.RemoveAll(id, in.bool("force"));
            case 13 -> new MasterRequest.MountSegment(id, segment(in), in.i64("client_id"));
            case 14 ->
            {
                final int n = in.count("segments", 40);
                final List<Segment> segments = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    segments.add(segment(in));
                }
                yield new MasterRequest.ReMountSegment(id, segments, in.i64("client_id"));
            }
            case 15 -> new MasterRequest.UnmountSegment(id, in.i64("segment_id"), in.i64("client_id"));
            case 16 -> new MasterRequest.Ping(id, in.i64("client_id"));
            case 17 -> new MasterRequest.GetSize(id, in.key("key"));
            case 18 -> new MasterRequest.BatchPutRevoke(id, in.i64("client_id"), keys(in));
            case 19 -> new MasterRequest.BatchRemove(id, keys(in), in.bool("force"));
            default -> throw new FrameException("unknown request type " + f.type());
        };
        in.end("request type " + f.type());
        return r;
    }

    /** Appends a hello frame carrying {@code token}. */
    public static void encodeHello(final WireWriter w, final byte[] token)
    {
        final int start = ControlFrame.begin(w, ControlFrame.KIND_REQUEST, TYPE_HELLO, 0, 0);
        w.bytes(token);
        ControlFrame.finish(w, start);
    }

    /** The token a hello frame carries. */
    public static byte[] helloToken(final ControlFrame f)
    {
        final java.nio.ByteBuffer p = f.payload().duplicate();
        final byte[] b = new byte[p.remaining()];
        p.get(b);
        return b;
    }

    /** Appends one whole reply frame to {@code w}. */
    public static void encodeReply(final WireWriter w, final MasterReply reply)
    {
        final int start = ControlFrame.begin(w, ControlFrame.KIND_REPLY, TYPE_REPLY, reply.requestId(), 0);
        w.i32(reply.error().code());
        value(w, reply.value());
        ControlFrame.finish(w, start);
    }

    /** Decodes a reply frame's payload. */
    public static MasterReply decodeReply(final ControlFrame f)
    {
        if (f.type() != TYPE_REPLY)
        {
            throw new FrameException("reply frame with type " + f.type() + ", expected " + TYPE_REPLY);
        }
        final WireReader in = new WireReader(f.payload());
        final ErrorCode error = errorCode(in.i32("error"));
        final Object value = value(in);
        in.end("reply");
        return new MasterReply(f.requestId(), error, value);
    }

    private static ErrorCode errorCode(final int code)
    {
        try
        {
            return ErrorCode.of(code);
        }
        catch (final IllegalArgumentException e)
        {
            throw new FrameException("unknown error code " + code);
        }
    }

    private static void value(final WireWriter w, final Object v)
    {
        if (v == null)
        {
            w.u8(TAG_NULL);
        }
        else if (v instanceof Boolean b)
        {
            w.u8(TAG_BOOL).bool(b);
        }
        else if (v instanceof Long l)
        {
            w.u8(TAG_LONG).i64(l);
        }
        else if (v instanceof Integer i)
        {
            w.u8(TAG_LONG).i64(i);
        }
        else if (v instanceof ClientStatus s)
        {
            w.u8(TAG_CLIENT_STATUS).u8(s.ordinal());
        }
        else if (v instanceof List<?> list)
        {
            if (list.isEmpty() || list.get(0) instanceof ReplicaDescriptor)
            {
                w.u8(TAG_REPLICAS).i32(list.size());
                for (final Object o : list)
                {
                    final ReplicaDescriptor d = (ReplicaDescriptor)o;
                    w.string(d.segmentName()).i64(d.bufferAddress()).i64(d.size()).u8(d.status().ordinal());
                }
            }
            else if (list.get(0) instanceof Boolean)
            {
                w.u8(TAG_BOOLS).i32(list.size());
                for (final Object o : list)
                {
                    w.bool((Boolean)o);
                }
            }
            else
            {
                w.u8(TAG_RESULTS).i32(list.size());
                for (final Object o : list)
                {
                    final Result<?> r = (Result<?>)o;
                    w.i32(r.error().code());
                    value(w, r.value());
                }
            }
        }
        else
        {
            throw new IllegalArgumentException("no wire encoding for reply value " + v.getClass().getName());
        }
    }

    private static Object value(final WireReader in)
    {
        final int tag = in.u8("value_tag");
        switch (tag)
        {
            case TAG_NULL:
                return null;
            case TAG_BOOL:
                return in.bool("value");
            case TAG_LONG:
                return in.i64("value");
            case TAG_CLIENT_STATUS:
            {
                final int s = in.u8("client_status");
                if (s >= ClientStatus.values().length)
                {
                    throw new FrameException("unknown client status " + s);
                }
                return ClientStatus.values()[s];
            }
            case TAG_REPLICAS:
            {
                final int n = in.count("replicas", 21);
                final List<ReplicaDescriptor> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    final String seg = in.string("segment_name");
                    final long addr = in.i64("buffer_address");
                    final long size = in.i64("size");
                    final int st = in.u8("status");
                    if (st >= ReplicaStatus.values().length)
                    {
                        throw new FrameException("unknown replica status " + st);
                    }
                    list.add(new ReplicaDescriptor(seg, addr, size, ReplicaStatus.values()[st]));
                }
                return list;
            }
            case TAG_BOOLS:
            {
                final int n = in.count("bools", 1);
                final List<Boolean> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    list.add(in.bool("bool"));
                }
                return list;
            }
            case TAG_RESULTS:
            {
                final int n = in.count("results", 5);
                final List<Result<Object>> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    final ErrorCode e = errorCode(in.i32("error"));
                    final Object v = value(in);
                    list.add(e == ErrorCode.OK ? Result.ok(v) : Result.fail(e));
                }
                return list;
            }
            default:
                throw new FrameException("unknown reply value tag " + tag);
        }
    }

    private static void strings(final WireWriter w, final List<String> list)
    {
        w.i32(list.size());
        for (final String s : list)
        {
            w.string(s);
        }
    }

    /** Keys leave as the protocol names them (a digest key's hex is made here). */
    private static void keys(final WireWriter w, final List<StoreKey> list)
    {
        w.i32(list.size());
        for (final StoreKey k : list)
        {
            w.string(k.toString());
        }
    }

    private static List<StoreKey> keys(final WireReader in)
    {
        final int n = in.count("keys", 4);
        final List<StoreKey> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            list.add(StoreKey.of(in.key("key")));
        }
        return list;
    }

    private static List<String> strings(final WireReader in)
    {
        final int n = in.count("keys", 4);
        final List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            list.add(in.key("key"));
        }
        return list;
    }

    private static void config(final WireWriter w, final ReplicateConfig c)
    {
        w.i32(c.replicaNum()).i64(c.softPinTtlMs()).bool(c.hardPin());
        strings(w, c.preferredSegments());
        w.string(c.hostId());
    }

    private static ReplicateConfig config(final WireReader in)
    {
        final int replicas = in.i32("replica_num");
        final long softPin = in.i64("soft_pin_ttl_ms");
        final boolean hardPin = in.bool("with_hard_pin");
        final List<String> preferred = strings(in);
        final String host = in.string("host_id");
        return new ReplicateConfig(replicas, softPin, hardPin, preferred, host);
    }

    private static void segment(final WireWriter w, final Segment s)
    {
        w.i64(s.id()).string(s.name()).i64(s.base()).i64(s.size()).i64(s.clientId()).string(s.hostId());
    }

    private static Segment segment(final WireReader in)
    {
        return new Segment(in.i64("segment_id"), in.string("segment_name"), in.i64("base"), in.i64("size"),
            in.i64("client_id"), in.string("host_id"));
    }
}
