package dev.kvtier.transport.tcp.rpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The optional shared secret of a cluster. Off by default, so that processes and clients that know nothing of it
 * behave as upstream's. When a master is given one, its RPC sessions must open with a hello frame carrying it and
 * its metadata service takes writes only with it (HTTP header {@value #HEADER}); kvtier's own clients send it when
 * they are given it. Compared in constant time.
 */
public final class ClusterToken
{
    /** The environment variable every kvtier process reads the token from. */
    public static final String ENV = "KVTIER_CLUSTER_TOKEN";
    /** The HTTP header that carries it (also accepted: {@code Authorization: Bearer <token>}). */
    public static final String HEADER = "X-Kvtier-Token";
    /** No token: nothing is asked, nothing is sent. */
    public static final ClusterToken NONE = new ClusterToken(null);

    private final byte[] secret;

    private ClusterToken(final byte[] secret)
    {
        this.secret = secret;
    }

    /** {@code value} as the token; null or blank is {@link #NONE}. */
    public static ClusterToken of(final String value)
    {
        return value == null || value.isBlank() ? NONE : new ClusterToken(value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code configured} if set, else {@value #ENV} from {@code env}, else none. */
    public static ClusterToken resolve(final String configured, final Map<String, String> env)
    {
        final ClusterToken c = of(configured);
        return c.enabled() ? c : of(env.get(ENV));
    }

    public boolean enabled()
    {
        return secret != null;
    }

    /** The token's text, to send; null when none is set. */
    public String value()
    {
        return secret == null ? null : new String(secret, StandardCharsets.UTF_8);
    }

    /** Whether {@code presented} is this token (always true when none is set). */
    public boolean admits(final byte[] presented)
    {
        return secret == null || presented != null && MessageDigest.isEqual(secret, presented);
    }

    /** {@link #admits(byte[])} for text, e.g. an HTTP header. */
    public boolean admits(final String presented)
    {
        return admits(presented == null ? null : presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString()
    {
        return enabled() ? "ClusterToken[set]" : "ClusterToken[none]";
    }
}
