package dev.kvtier.live.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request and its answer on a {@link JettyHttpServer}, with the few things kvtier's endpoints do: read the body
 * as text, answer JSON or text once, or stream server-sent events chunk by chunk. The answering thread may block
 * (the server's pool is sized for it), which keeps streaming endpoints straight-line code.
 */
public final class HttpExchange
{
    private final Request request;
    private final Response response;
    private final Callback callback;
    private OutputStream stream;
    private boolean answered;

    HttpExchange(final Request request, final Response response, final Callback callback)
    {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    public String method()
    {
        return request.getMethod();
    }

    public String path()
    {
        return Request.getPathInContext(request);
    }

    /** A query parameter, or null. */
    public String query(final String name)
    {
        final Fields f = Request.extractQueryParameters(request);
        return f.getValue(name);
    }

    public String header(final String name)
    {
        return request.getHeaders().get(name);
    }

    /** The whole body as UTF-8 (bounded by the server's request size limit). */
    public String body() throws IOException
    {
        return Content.Source.asString(request, StandardCharsets.UTF_8);
    }

    public void json(final int status, final String json)
    {
        respond(status, "application/json", json);
    }

    public void text(final int status, final String text)
    {
        respond(status, "text/plain; charset=utf-8", text);
    }

    public void respond(final int status, final String contentType, final String body)
    {
        if (answered)
        {
            return;
        }
        answered = true;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        Content.Sink.write(response, true, body, callback);
    }

    /** Starts a {@code text/event-stream} answer; then {@link #event} per chunk and {@link #end}. */
    public void startEvents(final int status)
    {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        startStream(status, "text/event-stream");
    }

    /** Starts an answer of {@code contentType} streamed with {@link #raw} and ended with {@link #end}. */
    public void startStream(final int status, final String contentType)
    {
        answered = true;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        stream = Content.Sink.asOutputStream(response);
    }

    /** Sends {@code data: <payload>} and flushes it to the client. */
    public void event(final String payload) throws IOException
    {
        raw("data: " + payload + "\n\n");
    }

    /** Writes bytes as they are (a proxied stream) and flushes them. */
    public void raw(final String chunk) throws IOException
    {
        stream.write(chunk.getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }

    /** Ends a streamed answer. */
    public void end()
    {
        try
        {
            stream.close();
            callback.succeeded();
        }
        catch (final IOException e)
        {
            callback.failed(e);
        }
    }

    /** Ends the exchange after a failure (a broken client connection while streaming). */
    void fail(final Throwable t)
    {
        callback.failed(t);
    }

    boolean answered()
    {
        return answered;
    }

    boolean streaming()
    {
        return stream != null;
    }
}
