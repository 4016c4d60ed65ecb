package dev.kvtier.live.master;

import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.ClientStatus;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.transport.tcp.rpc.ClusterToken;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;
import dev.kvtier.transport.tcp.rpc.RpcException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The optional cluster token: with it, an RPC session without the hello, a metadata write without the header, an
 * admin request that is not a read, and a store client without the token are refused; with it, kvtier's clients
 * work; without it, clients that send nothing (as upstream's) are served as before.
 */
class ClusterTokenTest
{
    private static final String SECRET = "s3cret-token";
    private final HttpClient http = HttpClient.newHttpClient();

    private static MasterServer master(final ClusterToken token) throws Exception
    {
        return new MasterServer(new MasterOptions("127.0.0.1", 0, true, "127.0.0.1", 0, "127.0.0.1", 0, true,
            MasterConfig.defaults()).withClusterToken(token)).start();
    }

    private static String rpc(final MasterServer m)
    {
        return "127.0.0.1:" + m.rpcPort();
    }

    private static String metadata(final MasterServer m)
    {
        return "http://127.0.0.1:" + m.metadataPort() + "/metadata";
    }

    private int put(final MasterServer m, final String key, final String body, final String token) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(metadata(m) + "?key=" + key))
            .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            b.header(ClusterToken.HEADER, token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void withATokenUnauthenticatedRpcAndMetadataWritesAreRefused() throws Exception
    {
        try (MasterServer m = master(ClusterToken.of(SECRET)))
        {
            try (MasterRpcClient anonymous = MasterRpcClient.connect(rpc(m)))
            {
                assertThatThrownBy(() -> anonymous.call(new MasterRequest.Ping(anonymous.nextRequestId(), 1), 5000))
                    .isInstanceOf(RpcException.class).hasMessageContaining("requires a cluster token");
            }
            try (MasterRpcClient wrong = MasterRpcClient.connect(rpc(m), ClusterToken.of("guess")))
            {
                assertThatThrownBy(() -> wrong.call(new MasterRequest.Ping(wrong.nextRequestId(), 1), 5000))
                    .isInstanceOf(RpcException.class).hasMessageContaining("does not match");
            }
            try (MasterRpcClient good = MasterRpcClient.connect(rpc(m), ClusterToken.of(SECRET)))
            {
                assertThat(good.call(new MasterRequest.Ping(good.nextRequestId(), 1), 5000).value())
                    .isEqualTo(ClientStatus.NEED_REMOUNT);
            }
            assertThat(m.unauthenticatedConnections()).isEqualTo(2);
            assertThat(put(m, "mooncake/ram/victim", "garbage", null)).isEqualTo(401);
            assertThat(put(m, "mooncake/ram/victim", "garbage", "guess")).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(metadata(m) + "?key=mooncake/ram/victim"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(put(m, "mooncake/ram/mine", "{}", SECRET)).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(metadata(m) + "?key=mooncake/ram/mine")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("reads stay open").isEqualTo(200);
            assertThat(m.metadata().unauthorized()).isEqualTo(3);

            final StoreConfig cfg = new StoreConfig("127.0.0.1", metadata(m), rpc(m), "tcp", "", 16 << 20, 1 << 20);
            try (DistributedStore store = DistributedStore.setup(cfg.withClusterToken(SECRET)))
            {
                assertThat(store.put("k", new byte[] {1, 2})).isZero();
                assertThat(store.get("k")).containsExactly(1, 2);
            }
            assertThatThrownBy(() -> DistributedStore.setup(cfg).close()).as("a store without the token")
                .isInstanceOf(IllegalStateException.class);
        }
    }

    private HttpResponse<String> admin(final MasterServer m, final String method, final String path,
        final String token) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.metricsPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null)
        {
            b.header(ClusterToken.HEADER, token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withATokenAnAdminMutationIsRefusedAndReadsStayOpen() throws Exception
    {
        try (MasterServer m = master(ClusterToken.of(SECRET)))
        {
            final StoreConfig cfg = new StoreConfig("127.0.0.1", metadata(m), rpc(m), "tcp", "", 16 << 20, 1 << 20)
                .withClusterToken(SECRET);
            try (DistributedStore store = DistributedStore.setup(cfg))
            {
                assertThat(store.put("kept", new byte[] {7})).isZero();
                final String segments = admin(m, "GET", "/get_all_segments", null).body();
                assertThat(segments).as("reads need no token").contains(store.segmentName());
                // upstream's mutating admin endpoints, and every read endpoint with a writing method
                for (final String path : List.of("/api/v1/remove_all?force=true", "/api/v1/drain_jobs",
                    "/api/v1/tenant_quotas", "/get_all_segments", "/query_key?key=kept", "/metrics", "/health"))
                {
                    for (final String method : List.of("POST", "PUT", "DELETE"))
                    {
                        assertThat(admin(m, method, path, null).statusCode()).as(method + " " + path).isEqualTo(401);
                        assertThat(admin(m, method, path, "guess").statusCode()).as(method + " " + path)
                            .isEqualTo(401);
                        assertThat(admin(m, method, path, SECRET).statusCode()).as("read-only even with the token")
                            .isEqualTo(405);
                    }
                }
                assertThat(m.admin().unauthorized()).isEqualTo(7 * 3 * 2);
                assertThat(admin(m, "GET", "/metrics", null).body()).contains("kvtier_admin_unauthorized_total 42");
                assertThat(admin(m, "GET", "/get_all_segments", null).body()).as("nothing changed")
                    .isEqualTo(segments);
                assertThat(admin(m, "GET", "/query_key?key=kept", null).statusCode()).isEqualTo(200);
                assertThat(store.get("kept")).containsExactly(7);
            }
        }
    }

    @Test
    void withoutATokenClientsThatSendNoneAreServedAsBefore() throws Exception
    {
        try (MasterServer m = master(ClusterToken.NONE))
        {
            try (MasterRpcClient anonymous = MasterRpcClient.connect(rpc(m)))
            {
                assertThat(anonymous.call(new MasterRequest.Ping(anonymous.nextRequestId(), 1), 5000).value())
                    .isEqualTo(ClientStatus.NEED_REMOUNT);
            }
            try (MasterRpcClient withToken = MasterRpcClient.connect(rpc(m), ClusterToken.of(SECRET)))
            {
                assertThat(withToken.call(new MasterRequest.Ping(withToken.nextRequestId(), 1), 5000).value())
                    .as("a hello to a master without a token is ignored").isEqualTo(ClientStatus.NEED_REMOUNT);
            }
            assertThat(put(m, "mooncake/ram/x", "{}", null)).isEqualTo(200);
            assertThat(m.unauthenticatedConnections()).isZero();
            for (final String path : List.of("/metrics", "/metrics/summary", "/health", "/get_all_segments"))
            {
                assertThat(admin(m, "GET", path, null).statusCode()).as("GET " + path).isEqualTo(200);
            }
            assertThat(admin(m, "GET", "/query_key?key=absent", null).statusCode()).isEqualTo(404);
            assertThat(admin(m, "POST", "/get_all_segments", null).statusCode()).as("read-only").isEqualTo(405);
            assertThat(m.admin().unauthorized()).isZero();
        }
    }
}
