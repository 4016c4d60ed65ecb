package dev.kvtier.model.store;

/**
 * The master's answer to one operation: a value, or an error code and no value. Mirrors upstream's
 * {@code expected<T, ErrorCode>} so the same call reads the same in kvtier and Mooncake.
 */
public record Result<T>(T value, ErrorCode error)
{
    /** Success without a value, shared: PutEnd answers one per key, a million times a simulated hour. */
    private static final Result<?> OK_EMPTY = new Result<>(null, ErrorCode.OK);

    @SuppressWarnings("unchecked")
    public static <T> Result<T> ok(final T value)
    {
        return value == null ? (Result<T>)OK_EMPTY : new Result<>(value, ErrorCode.OK);
    }

    public static <T> Result<T> fail(final ErrorCode error)
    {
        if (error == ErrorCode.OK)
        {
            throw new IllegalArgumentException("a failure needs an error code");
        }
        return new Result<>(null, error);
    }

    public boolean isOk()
    {
        return error == ErrorCode.OK;
    }
}
