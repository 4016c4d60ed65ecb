package dev.kvtier.transport.rdma.ucp;

/**
 * Every struct size, field offset and constant the binding relies on, in one place (x86-64 and aarch64 LP64,
 * UCX 1.13 headers). The parameter structs are extensible by {@code field_mask}, so a newer library reads the same
 * fields at the same offsets; {@code UcpLayoutTest} compiles a C program against the installed headers and compares
 * every number here with {@code sizeof}/{@code offsetof}.
 */
public final class UcpLayout
{
    /** The API version passed to {@code ucp_init_version} (the {@code ucp_init} inline's arguments). */
    public static final int API_MAJOR = 1;
    public static final int API_MINOR = 13;

    public static final int PARAMS_SIZE = 80;
    public static final int PARAMS_FIELD_MASK = 0;
    public static final int PARAMS_FEATURES = 8;
    public static final long PARAM_FIELD_FEATURES = 1L;
    public static final long FEATURE_RMA = 1L << 1;
    public static final long FEATURE_WAKEUP = 1L << 4;

    public static final int WORKER_PARAMS_SIZE = 200;
    public static final int WORKER_PARAMS_FIELD_MASK = 0;
    public static final int WORKER_PARAMS_THREAD_MODE = 8;
    public static final long WORKER_PARAM_FIELD_THREAD_MODE = 1L;
    public static final int THREAD_MODE_SINGLE = 0;

    public static final int EP_PARAMS_SIZE = 104;
    public static final int EP_PARAMS_FIELD_MASK = 0;
    public static final int EP_PARAMS_ADDRESS = 8;
    public static final int EP_PARAMS_ERR_MODE = 16;
    public static final int EP_PARAMS_ERR_HANDLER_CB = 24;
    public static final int EP_PARAMS_ERR_HANDLER_ARG = 32;
    public static final long EP_PARAM_FIELD_ERR_HANDLER = 1L << 2;
    public static final long EP_PARAM_FIELD_REMOTE_ADDRESS = 1L;
    public static final long EP_PARAM_FIELD_ERR_HANDLING_MODE = 1L << 1;
    public static final int ERR_HANDLING_MODE_NONE = 0;
    public static final int ERR_HANDLING_MODE_PEER = 1;

    public static final int MEM_MAP_PARAMS_SIZE = 40;
    public static final int MEM_MAP_PARAMS_FIELD_MASK = 0;
    public static final int MEM_MAP_PARAMS_ADDRESS = 8;
    public static final int MEM_MAP_PARAMS_LENGTH = 16;
    public static final long MEM_MAP_PARAM_FIELD_ADDRESS = 1L;
    public static final long MEM_MAP_PARAM_FIELD_LENGTH = 1L << 1;
    public static final int MEM_MAP_PARAMS_FLAGS = 24;
    public static final long MEM_MAP_PARAM_FIELD_FLAGS = 1L << 2;
    public static final int MEM_MAP_ALLOCATE = 1 << 1;

    public static final int MEM_ATTR_SIZE = 32;
    public static final int MEM_ATTR_FIELD_MASK = 0;
    public static final int MEM_ATTR_ADDRESS = 8;
    public static final int MEM_ATTR_LENGTH = 16;
    public static final long MEM_ATTR_FIELD_ADDRESS = 1L;
    public static final long MEM_ATTR_FIELD_LENGTH = 1L << 1;

    public static final int REQUEST_PARAM_SIZE = 72;
    public static final int REQUEST_PARAM_OP_ATTR_MASK = 0;
    public static final int REQUEST_PARAM_FLAGS = 4;
    public static final int OP_ATTR_FIELD_FLAGS = 1 << 4;
    public static final int EP_CLOSE_FLAG_FORCE = 1;

    public static final int UCS_OK = 0;
    public static final int UCS_INPROGRESS = 1;
    public static final int UCS_ERR_BUSY = -15;
    public static final int UCS_ERR_UNREACHABLE = -6;
    public static final int UCS_ERR_CANCELED = -16;
    /** {@code UCS_ERR_LAST}: a status pointer at or above {@code (uintptr_t)-100} is an error code. */
    public static final int UCS_ERR_LAST = -100;

    private UcpLayout()
    {
    }

    /** {@code UCS_PTR_IS_ERR}. */
    public static boolean isError(final long statusPtr)
    {
        return Long.compareUnsigned(statusPtr, UCS_ERR_LAST) >= 0;
    }

    /** {@code UCS_PTR_IS_PTR}: a request handle to poll and free. */
    public static boolean isRequest(final long statusPtr)
    {
        return Long.compareUnsigned(statusPtr - 1, (long)UCS_ERR_LAST - 1) < 0;
    }
}
