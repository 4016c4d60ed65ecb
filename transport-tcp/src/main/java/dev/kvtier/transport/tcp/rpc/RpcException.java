package dev.kvtier.transport.tcp.rpc;

import dev.kvtier.model.store.ErrorCode;

/**
 * An RPC that got no reply: {@link ErrorCode#RPC_TIMEOUT} when the deadline passed, {@link ErrorCode#RPC_FAIL}
 * when the connection failed or the server answered with an error frame.
 */
public final class RpcException extends RuntimeException
{
    private final ErrorCode code;

    public RpcException(final ErrorCode code, final String message)
    {
        super(message);
        this.code = code;
    }

    public ErrorCode code()
    {
        return code;
    }
}
