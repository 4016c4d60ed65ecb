package dev.kvtier.live.client;

import dev.kvtier.live.bench.StoreBench;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.live.master.MasterOptions;
import dev.kvtier.live.master.MasterServer;
import dev.kvtier.model.store.MasterConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master (with its embedded metadata service) restarted under load on the same ports: the store, not
 * restarted, remounts and publishes its descriptors again, and a store-bench passes within 10 s of the restart.
 * Before stores republished, every transfer after a restart failed "segment not published … 404" until each
 * store process was restarted by hand.
 */
class MasterRestartUnderLoadTest
{
    private static MasterServer master(final int rpcPort, final int metadataPort) throws Exception
    {
        return new MasterServer(new MasterOptions("127.0.0.1", rpcPort, true, "127.0.0.1", metadataPort,
            "127.0.0.1", 0, true, MasterConfig.defaults())).start();
    }

    @Test
    void aStoreBenchPassesWithin10sOfAMasterRestartWithNoStoreRestarted() throws Exception
    {
        final MasterServer first = master(0, 0);
        final int rpcPort = first.rpcPort();
        final int metadataPort = first.metadataPort();
        final String rpc = "127.0.0.1:" + rpcPort;
        final String metadata = "http://127.0.0.1:" + metadataPort + "/metadata";
        MasterServer second = null;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong ok = new AtomicLong();
        try (DistributedStore store = DistributedStore.setup(new StoreConfig("127.0.0.1", metadata, rpc, "tcp", "",
            32 << 20, 1 << 20));
             DistributedStore loader = DistributedStore.setup(StoreConfig.of(rpc, metadata, 0, 1 << 20)))
        {
            final Thread load = new Thread(() ->
            {
                int i = 0;
                while (running.get())
                {
                    final String key = "load-" + i++;
                    if (loader.put(key, new byte[] {(byte)i}) == 0 && loader.get(key).length == 1)
                    {
                        ok.incrementAndGet();
                    }
                    loader.remove(key);
                }
            }, "load");
            load.start();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (ok.get() < 20 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertThat(ok.get()).as("load before the restart").isGreaterThanOrEqualTo(20);
            first.close();
            second = master(rpcPort, metadataPort);
            final long restarted = System.nanoTime();
            StoreBench.Result result = null;
            while (System.nanoTime() - restarted < 10_000_000_000L)
            {
                try
                {
                    result = StoreBench.run(new StoreBench.Options(rpc, metadata, 2, 16 * 1024, 32, 1));
                    if (result.errors() == 0 && result.misses() == 0 && result.mismatches() == 0)
                    {
                        break;
                    }
                }
                catch (final IllegalStateException e)
                {
                    result = null;
                }
                Thread.sleep(100);
            }
            final double seconds = (System.nanoTime() - restarted) / 1e9;
            System.out.printf("store-bench passed %.1f s after the master restart%n", seconds);
            assertThat(result).as("a store-bench ran").isNotNull();
            assertThat(result.errors()).as("errors %s after %.1f s", result.errorsByCause(), seconds).isZero();
            assertThat(result.mismatches()).isZero();
            assertThat(seconds).as("store-bench passed within 10 s of the restart").isLessThan(10);
            final long before = ok.get();
            final long until = System.nanoTime() + 10_000_000_000L;
            while (ok.get() < before + 20 && System.nanoTime() < until)
            {
                Thread.sleep(10);
            }
            assertThat(ok.get()).as("the load recovered too").isGreaterThanOrEqualTo(before + 20);
            running.set(false);
            load.join(10_000);
        }
        finally
        {
            running.set(false);
            if (second != null)
            {
                second.close();
            }
            else
            {
                first.close();
            }
        }
    }
}
