package dev.kvtier.cli;

import java.net.InetSocketAddress;

/**
 * A host a live command binds a server to, checked before anything starts: one that does not resolve is one line
 * naming its flag, rather than an unresolved-address error (whose message is empty) from the first bind, after
 * other servers of the same process may already listen.
 */
final class BindHost
{
    private BindHost()
    {
    }

    /** Refuses a host this machine cannot resolve, naming the flag that gave it. */
    static void require(final String flag, final String host)
    {
        if (host == null || host.isBlank() || new InetSocketAddress(host, 0).isUnresolved())
        {
            throw new BadInputException(flag + ": '" + host + "' does not resolve to an address of this machine; "
                + "give an IP address (0.0.0.0 = every interface, 127.0.0.1 = loopback) or a host name it resolves");
        }
    }
}
