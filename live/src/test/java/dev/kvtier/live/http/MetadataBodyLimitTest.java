package dev.kvtier.live.http;

import dev.kvtier.transport.tcp.rpc.ClusterToken;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata service's body limit: a 1.5 GB PUT (declared) and a chunked body past the limit are answered 413
 * without being read whole or stored, and the service keeps serving.
 */
class MetadataBodyLimitTest
{
    private static String status(final int port, final String head, final byte[] firstBody) throws Exception
    {
        try (Socket s = new Socket("127.0.0.1", port))
        {
            s.setSoTimeout(10_000);
            final OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try
            {
                out.write(firstBody);
                out.flush();
            }
            catch (final java.io.IOException e)
            {
                // the service may close before taking the whole body: the answer is what counts
            }
            final InputStream in = s.getInputStream();
            final StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n')
            {
                line.append((char)c);
            }
            return line.toString().trim();
        }
    }

    @Test
    void aHugePutIsAnswered413AndNotStored() throws Exception
    {
        try (MetadataService m = new MetadataService("127.0.0.1", 0, "/metadata", 1 << 20, ClusterToken.NONE)
            .start())
        {
            final String declared = "PUT /metadata?key=big HTTP/1.1\r\nHost: x\r\nContent-Length: 1500000000\r\n\r\n";
            assertThat(status(m.port(), declared, new byte[64 * 1024])).startsWith("HTTP/1.1 413");
            final String chunked = "PUT /metadata?key=big2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
            final byte[] chunk = ("200000\r\n" + "x".repeat(0x200000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            assertThat(status(m.port(), chunked, chunk)).startsWith("HTTP/1.1 413");
            assertThat(m.tooLarge()).isEqualTo(2);
            final HttpClient http = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + m.port() + "/metadata?key=";
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "big")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "small"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }
}
