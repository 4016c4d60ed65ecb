package dev.kvtier.transport.rdma.ucp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.util.Map;

/**
 * The UCP calls kvtier uses, bound with JNA's direct mapping ({@code Native.register}, about 0.1 µs a call) to the
 * system's {@code libucp.so.0}, and nothing more: context, worker, endpoints by worker address, memory mapping,
 * packed remote keys, non-blocking put/get/flush and request polling. Pointers and handles are {@code long}s and
 * out-parameters one-element arrays, so no JNA {@code Structure} sits on the data path; the parameter structs are
 * written at the offsets {@link UcpLayout} keeps, which a test checks against the installed headers.
 *
 * <p>Loading happens on first use of the class; {@link UcpLibrary#check} does it inside a try so that a missing
 * library is one line, not a stack trace.
 */
public final class Ucp
{
    static
    {
        // libucs installs handlers for SIGSEGV and SIGBUS when it loads, but the JVM raises SIGSEGV on purpose
        // (implicit null checks, safepoint polls): switch them off before the library's constructor runs, and once
        // more after, as UCX's own Java binding does
        final com.sun.jna.Function setenv = com.sun.jna.Function.getFunction(com.sun.jna.Platform.C_LIBRARY_NAME,
            "setenv");
        setenv.invokeInt(new Object[] {"UCX_ERROR_SIGNALS", "", 1});
        // UCX logs to standard output by default, which belongs to the program (store-bench --json)
        setenv.invokeInt(new Object[] {"UCX_LOG_FILE", "stderr", 0});
        // Java names in camel case, C names in snake case: ucpWorkerProgress -> ucp_worker_progress
        final com.sun.jna.FunctionMapper snakeCase = (library, method) ->
            method.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
        Native.register(Ucp.class, NativeLibrary.getInstance(UcpLibrary.SONAME,
            Map.of(Library.OPTION_FUNCTION_MAPPER, snakeCase)));
        ucsDebugDisableSignals();
    }

    private Ucp()
    {
    }

    public static native void ucpGetVersion(int[] major, int[] minor, int[] release);

    public static native int ucpConfigRead(String envPrefix, String filename, long[] config);

    public static native int ucpConfigModify(long config, String name, String value);

    public static native void ucpConfigRelease(long config);

    public static native int ucpInitVersion(int apiMajor, int apiMinor, long params, long config, long[] context);

    public static native void ucpCleanup(long context);

    public static native int ucpWorkerCreate(long context, long params, long[] worker);

    public static native void ucpWorkerDestroy(long worker);

    public static native int ucpWorkerGetAddress(long worker, long[] address, long[] length);

    public static native void ucpWorkerReleaseAddress(long worker, long address);

    public static native int ucpWorkerProgress(long worker);

    public static native int ucpWorkerGetEfd(long worker, int[] fd);

    public static native int ucpWorkerArm(long worker);

    /** Wakes a worker waiting on its event fd; safe from any thread. */
    public static native int ucpWorkerSignal(long worker);

    public static native int ucpEpCreate(long worker, long params, long[] ep);

    public static native long ucpEpCloseNbx(long ep, long param);

    public static native long ucpEpFlushNbx(long ep, long param);

    public static native int ucpMemMap(long context, long params, long[] memh);

    public static native int ucpMemUnmap(long context, long memh);

    public static native int ucpMemQuery(long memh, long attr);

    public static native int ucpRkeyPack(long context, long memh, long[] buffer, long[] size);

    public static native void ucpRkeyBufferRelease(long buffer);

    public static native int ucpEpRkeyUnpack(long ep, long buffer, long[] rkey);

    public static native void ucpRkeyDestroy(long rkey);

    public static native long ucpPutNbx(long ep, long buffer, long count, long remoteAddress, long rkey,
        long param);

    public static native long ucpGetNbx(long ep, long buffer, long count, long remoteAddress, long rkey,
        long param);

    public static native int ucpRequestCheckStatus(long request);

    public static native void ucpRequestFree(long request);

    /** Restores the signal handlers {@code libucs} installed (found through libucp's dependencies). */
    public static native void ucsDebugDisableSignals();

    /** {@code libucs}'s text for a status; found through libucp's dependencies. */
    public static native String ucsStatusString(int status);
}
