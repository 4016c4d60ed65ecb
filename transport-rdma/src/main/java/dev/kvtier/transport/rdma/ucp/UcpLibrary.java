package dev.kvtier.transport.rdma.ucp;

/**
 * The start-up self-check of the binding: is {@code libucp} loadable, and is it at least the version whose layout
 * {@link UcpLayout} describes? Either failure is one line naming the library and the fix, because a process asked
 * for {@code protocol: rdma} on a machine without UCX should say so before it binds or maps anything.
 */
public final class UcpLibrary
{
    /**
     * The shared object loaded: Debian's {@code libucx0}, or another UCX build named by the system property
     * {@code kvtier.ucx.library} (a path or a soname).
     */
    public static final String SONAME = System.getProperty("kvtier.ucx.library", "libucp.so.0");
    public static final int MIN_MAJOR = 1;
    public static final int MIN_MINOR = 13;

    private static volatile String version;

    private UcpLibrary()
    {
    }

    /**
     * Loads the library and checks its version; returns it as {@code major.minor.release}.
     *
     * @throws IllegalStateException one line: the library is missing, or older than {@code MIN_MAJOR.MIN_MINOR}
     */
    public static String check()
    {
        final String known = version;
        if (known != null)
        {
            return known;
        }
        final int[] major = new int[1];
        final int[] minor = new int[1];
        final int[] release = new int[1];
        try
        {
            Ucp.ucpGetVersion(major, minor, release);
        }
        catch (final UnsatisfiedLinkError | NoClassDefFoundError e)
        {
            throw new IllegalStateException("protocol rdma: UCX's " + SONAME + " cannot be loaded (" + firstLine(e)
                + "); install it with 'apt-get install libucx0' (or UCX >= " + MIN_MAJOR + "." + MIN_MINOR
                + " on LD_LIBRARY_PATH)");
        }
        final String v = major[0] + "." + minor[0] + "." + release[0];
        if (major[0] < MIN_MAJOR || major[0] == MIN_MAJOR && minor[0] < MIN_MINOR)
        {
            throw new IllegalStateException("protocol rdma: libucp " + v + " is too old; UCX >= " + MIN_MAJOR + "."
                + MIN_MINOR + " is needed (Debian 12's libucx0 is 1.13.1)");
        }
        version = v;
        return v;
    }

    /** Whether {@link #check} passes, for tests that skip without UCX. */
    public static boolean available()
    {
        try
        {
            check();
            return true;
        }
        catch (final IllegalStateException e)
        {
            return false;
        }
    }

    private static String firstLine(final Throwable e)
    {
        final String m = String.valueOf(e.getMessage());
        final int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
