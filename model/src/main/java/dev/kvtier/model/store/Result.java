package dev.kvtier.model.store;

/**
 * The master's answer to one operation: a value, or an error code and no value. Mirrors upstream's
 * {@code expected<T, ErrorCode>} so the same call reads the same in kvtier and Mooncake.
 */
public record Result<T>(T value, ErrorCode error)
{
    public static <T> Result<T> ok(final T value)
    {
        return new Result<>(value, ErrorCode.OK);
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
