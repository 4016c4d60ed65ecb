package dev.kvtier.transport.tcp.transfer;

import java.nio.ByteBuffer;

/**
 * One slice of a batch: read {@code local.remaining()} bytes from the target's {@code remoteAddr} into
 * {@code local}, or write them from {@code local} to it.
 */
public record TransferOp(boolean write, long remoteAddr, ByteBuffer local)
{
}
