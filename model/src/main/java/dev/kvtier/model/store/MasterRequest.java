package dev.kvtier.model.store;

import dev.kvtier.model.node.Message;

import java.util.List;

/**
 * The master's RPCs as messages. Every request carries an id that its {@link MasterReply} echoes, so a client can
 * pipeline requests over one connection (live) or one simulated link (sim). Keys are {@link StoreKey}s: a page's
 * digest travels as its four longs in the simulator, and as its hex on the wire.
 */
public sealed interface MasterRequest extends Message
{
    long requestId();

    record PutStart(long requestId, long clientId, StoreKey key, long length, ReplicateConfig config)
        implements MasterRequest
    {
        /** The key named by a string (see {@link StoreKey#of(String)}). */
        public PutStart(final long requestId, final long clientId, final String key, final long length,
            final ReplicateConfig config)
        {
            this(requestId, clientId, StoreKey.of(key), length, config);
        }
    }

    record PutEnd(long requestId, long clientId, StoreKey key) implements MasterRequest
    {
        /** The key named by a string (see {@link StoreKey#of(String)}). */
        public PutEnd(final long requestId, final long clientId, final String key)
        {
            this(requestId, clientId, StoreKey.of(key));
        }
    }

    record PutRevoke(long requestId, long clientId, StoreKey key) implements MasterRequest
    {
        /** The key named by a string (see {@link StoreKey#of(String)}). */
        public PutRevoke(final long requestId, final long clientId, final String key)
        {
            this(requestId, clientId, StoreKey.of(key));
        }
    }

    record GetReplicaList(long requestId, StoreKey key) implements MasterRequest
    {
        /** The key named by a string (see {@link StoreKey#of(String)}). */
        public GetReplicaList(final long requestId, final String key)
        {
            this(requestId, StoreKey.of(key));
        }
    }

    record ExistKey(long requestId, StoreKey key) implements MasterRequest
    {
        /** The key named by a string (see {@link StoreKey#of(String)}). */
        public ExistKey(final long requestId, final String key)
        {
            this(requestId, StoreKey.of(key));
        }
    }

    record BatchExistKey(long requestId, List<StoreKey> keys) implements MasterRequest
    {
    }

    record BatchPutStart(long requestId, long clientId, List<StoreKey> keys, List<Long> lengths,
        ReplicateConfig config) implements MasterRequest
    {
    }

    record BatchPutEnd(long requestId, long clientId, List<StoreKey> keys) implements MasterRequest
    {
    }

    record BatchGetReplicaList(long requestId, List<StoreKey> keys) implements MasterRequest
    {
    }

    record Remove(long requestId, StoreKey key, boolean force) implements MasterRequest
    {
        /** The key named by a string (see {@link StoreKey#of(String)}). */
        public Remove(final long requestId, final String key, final boolean force)
        {
            this(requestId, StoreKey.of(key), force);
        }
    }

    record RemoveByRegex(long requestId, String regex, boolean force) implements MasterRequest
    {
    }

    record RemoveAll(long requestId, boolean force) implements MasterRequest
    {
    }

    record MountSegment(long requestId, Segment segment, long clientId) implements MasterRequest
    {
    }

    record ReMountSegment(long requestId, List<Segment> segments, long clientId) implements MasterRequest
    {
    }

    record UnmountSegment(long requestId, long segmentId, long clientId) implements MasterRequest
    {
    }

    record Ping(long requestId, long clientId) implements MasterRequest
    {
    }

    record GetSize(long requestId, StoreKey key) implements MasterRequest
    {
        /** The key named by a string (see {@link StoreKey#of(String)}). */
        public GetSize(final long requestId, final String key)
        {
            this(requestId, StoreKey.of(key));
        }
    }

    record BatchPutRevoke(long requestId, long clientId, List<StoreKey> keys) implements MasterRequest
    {
    }

    record BatchRemove(long requestId, List<StoreKey> keys, boolean force) implements MasterRequest
    {
    }
}
