package dev.kvtier.model.store;

import dev.kvtier.model.node.Message;

import java.util.List;

/**
 * The master's RPCs as messages. Every request carries an id that its {@link MasterReply} echoes, so a client can
 * pipeline requests over one connection (live) or one simulated link (sim).
 */
public sealed interface MasterRequest extends Message
{
    long requestId();

    record PutStart(long requestId, long clientId, String key, long length, ReplicateConfig config)
        implements MasterRequest
    {
    }

    record PutEnd(long requestId, long clientId, String key) implements MasterRequest
    {
    }

    record PutRevoke(long requestId, long clientId, String key) implements MasterRequest
    {
    }

    record GetReplicaList(long requestId, String key) implements MasterRequest
    {
    }

    record ExistKey(long requestId, String key) implements MasterRequest
    {
    }

    record BatchExistKey(long requestId, List<String> keys) implements MasterRequest
    {
    }

    record BatchPutStart(long requestId, long clientId, List<String> keys, List<Long> lengths,
        ReplicateConfig config) implements MasterRequest
    {
    }

    record BatchPutEnd(long requestId, long clientId, List<String> keys) implements MasterRequest
    {
    }

    record BatchGetReplicaList(long requestId, List<String> keys) implements MasterRequest
    {
    }

    record Remove(long requestId, String key, boolean force) implements MasterRequest
    {
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

    record GetSize(long requestId, String key) implements MasterRequest
    {
    }

    record BatchPutRevoke(long requestId, long clientId, List<String> keys) implements MasterRequest
    {
    }

    record BatchRemove(long requestId, List<String> keys, boolean force) implements MasterRequest
    {
    }
}
