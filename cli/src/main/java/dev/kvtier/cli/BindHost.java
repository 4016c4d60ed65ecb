package dev.kvtier.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;

/**
 * A host a live command binds a server to, checked before anything starts: one that does not resolve, or resolves
 * to another machine's address, is one line naming its flag, rather than an error from the first bind (an empty
 * message, or one blaming the port), after other servers of the same process may already listen.
 */
final class BindHost
{
    private BindHost()
    {
    }

    /** Refuses a host that does not resolve to an address of this machine, naming the flag that gave it. */
    static void require(final String flag, final String host)
    {
        if (host == null || host.isBlank() || !local(host))
        {
            throw new BadInputException(flag + ": '" + host + "' does not resolve to an address of this machine; "
                + "give an IP address (0.0.0.0 = every interface, 127.0.0.1 = loopback) or a host name it resolves");
        }
    }

    /** Whether {@code host} resolves to the wildcard, a loopback address or an address of one of our interfaces. */
    private static boolean local(final String host)
    {
        try
        {
            final InetAddress address = InetAddress.getByName(host);
            return address.isAnyLocalAddress() || address.isLoopbackAddress()
                || NetworkInterface.getByInetAddress(address) != null;
        }
        catch (final IOException e)
        {
            return false;
        }
    }
}
