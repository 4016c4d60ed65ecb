package dev.kvtier.sim.store;

import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Segment;
import dev.kvtier.sim.runtime.SimRuntime;
import dev.kvtier.transport.sim.LatencyNetwork;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The master node hosted by the simulator: its timers run on virtual time, replies cross the network. */
class SimulatedMasterTest
{
    private static final long MS = 1_000_000;

    @Test
    void shouldEvictOnItsOwnTimerAndExpireSilentClients()
    {
        final SimRuntime sim = new SimRuntime(5, new LatencyNetwork(50_000));
        final MasterNode master = new MasterNode(MasterConfig.defaults());
        final NodeId m = sim.add("master", master);
        final List<MasterReply> replies = new ArrayList<>();
        sim.onDriverMessage((from, msg) -> replies.add((MasterReply)msg));
        final long mb = 1 << 20;
        sim.inject(m, new MasterRequest.MountSegment(1, new Segment(1, "s:1", 0, 10 * mb, 9, "h"), 9), 0);
        for (int i = 0; i < 10; i++)
        {
            sim.inject(m, new MasterRequest.PutStart(10 + i, 3, "k" + i, mb, ReplicateConfig.defaults()), MS);
            sim.inject(m, new MasterRequest.PutEnd(100 + i, 3, "k" + i), 2 * MS);
        }
        sim.runUntil(3 * MS);
        assertThat(replies).hasSize(21).allSatisfy(r -> assertThat(r.error()).isEqualTo(ErrorCode.OK));
        assertThat(master.service().keyCount()).isEqualTo(10);
        sim.runUntil(20 * MS);
        assertThat(master.service().keyCount()).as("used 1.0 > 0.9: the 10 ms eviction pass ran")
            .isLessThan(10);
        sim.runUntil(12_000 * MS);
        assertThat(master.service().segmentCount()).as("client 9 never pinged within its 10 s TTL").isZero();
        assertThat(sim.now()).isEqualTo(12_000 * MS);
    }
}
