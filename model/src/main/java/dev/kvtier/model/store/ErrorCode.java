package dev.kvtier.model.store;

/**
 * Mooncake Store's error codes with their numeric values, so results line up with what Mooncake clients and
 * SGLang's backend print (e.g. {@code remove()} on a leased key answers -706).
 */
public enum ErrorCode
{
    OK(0),
    INTERNAL_ERROR(-1),
    BUFFER_OVERFLOW(-10),
    SEGMENT_NOT_FOUND(-101),
    SEGMENT_ALREADY_EXISTS(-102),
    CLIENT_NOT_FOUND(-103),
    NO_AVAILABLE_HANDLE(-200),
    INVALID_VERSION(-300),
    INVALID_KEY(-400),
    WRITE_FAIL(-500),
    INVALID_PARAMS(-600),
    ILLEGAL_CLIENT(-601),
    INVALID_WRITE(-700),
    INVALID_READ(-701),
    INVALID_REPLICA(-702),
    REPLICA_IS_NOT_READY(-703),
    OBJECT_NOT_FOUND(-704),
    OBJECT_ALREADY_EXISTS(-705),
    OBJECT_HAS_LEASE(-706),
    LEASE_EXPIRED(-707),
    OBJECT_HAS_REPLICATION_TASK(-708),
    TRANSFER_FAIL(-800),
    CHECKSUM_MISMATCH(-801),
    RPC_FAIL(-900),
    RPC_TIMEOUT(-901);

    private final int code;

    ErrorCode(final int code)
    {
        this.code = code;
    }

    /** The numeric value on the wire and in client APIs. */
    public int code()
    {
        return code;
    }

    public static ErrorCode of(final int code)
    {
        for (final ErrorCode e : values())
        {
            if (e.code == code)
            {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown store error code " + code);
    }
}
