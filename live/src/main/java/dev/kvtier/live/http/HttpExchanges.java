package dev.kvtier.live.http;

import com.sun.net.httpserver.HttpExchange;
import dev.kvtier.transport.tcp.rpc.ClusterToken;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reading query parameters from, and answering, JDK {@link HttpExchange}s, shared by kvtier's HTTP endpoints. */
public final class HttpExchanges
{
    private HttpExchanges()
    {
    }

    /** The URL-decoded value of {@code name} in the query string, or null. */
    public static String query(final HttpExchange ex, final String name)
    {
        final String q = ex.getRequestURI().getRawQuery();
        if (q == null)
        {
            return null;
        }
        for (final String pair : q.split("&"))
        {
            final int eq = pair.indexOf('=');
            final String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name))
            {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public static void respond(final HttpExchange ex, final int status, final String contentType, final byte[] body)
        throws IOException
    {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody())
        {
            out.write(body);
        }
    }

    public static void text(final HttpExchange ex, final int status, final String body) throws IOException
    {
        respond(ex, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether the request carries the cluster token ({@value ClusterToken#HEADER}, or {@code Authorization: Bearer});
     * always true without a token.
     */
    public static boolean authorized(final HttpExchange ex, final ClusterToken token)
    {
        if (!token.enabled())
        {
            return true;
        }
        final String header = ex.getRequestHeaders().getFirst(ClusterToken.HEADER);
        final String auth = ex.getRequestHeaders().getFirst("Authorization");
        return token.admits(header)
            || auth != null && auth.startsWith("Bearer ") && token.admits(auth.substring("Bearer ".length()));
    }
}
