package dev.kvtier.sim.fault;

import dev.kvtier.model.store.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store client's failure branches under a seeded fault plan, over many seeds: no put reported successful is
 * unreadable while nothing was lost (no eviction, crash or master restart since), no read returns bytes other
 * than its key's, and once everything is removed the master holds no object and no allocated byte (revoked and
 * failed puts leak no segment space). The totals show that every failure branch ran somewhere in the sweep.
 */
class StoreClientFaultSweepTest
{
    private static final int SEEDS = 600;
    private static final int OPS = 60;

    @Test
    void everyFailureBranchRunsAndNoInvariantBreaks()
    {
        final List<String> violations = new ArrayList<>();
        final Map<Integer, Long> codes = new TreeMap<>();
        long revoked = 0;
        long fallbacks = 0;
        long transferFailures = 0;
        long rpcTimeouts = 0;
        long rpcFailures = 0;
        long remounts = 0;
        long verified = 0;
        for (long seed = 1; seed <= SEEDS; seed++)
        {
            final StoreFaultRun run = new StoreFaultRun(seed, OPS).run();
            violations.addAll(run.violations);
            run.codesSeen.forEach((c, n) -> codes.merge(c, n, Long::sum));
            revoked += run.clientCounters.putsRevoked();
            fallbacks += run.clientCounters.readFallbacks();
            transferFailures += run.clientCounters.transferFailures();
            rpcTimeouts += run.clientCounters.rpcTimeouts() + run.serviceRpcTimeouts;
            rpcFailures += run.clientCounters.rpcFailures();
            remounts += run.serviceRemounts;
            verified += run.readsVerified;
        }
        System.out.printf("fault sweep: %d seeds, %d reads verified, %d puts revoked, %d replica fallbacks, "
            + "%d failed transfer batches, %d RPC timeouts, %d failed RPC replies, %d remounts, codes %s%n", SEEDS,
            verified, revoked, fallbacks, transferFailures, rpcTimeouts, rpcFailures, remounts, codes);
        assertThat(violations).as("invariant violations").isEmpty();
        assertThat(verified).as("reads whose bytes were checked").isGreaterThan(SEEDS * 5L);
        assertThat(revoked).as("puts revoked after a failed write").isPositive();
        assertThat(fallbacks).as("reads that fell back to another replica").isPositive();
        assertThat(transferFailures).as("failed transfer batches").isPositive();
        assertThat(rpcTimeouts).as("RPCs lost to a master restart").isPositive();
        assertThat(rpcFailures).as("RPC replies that failed a whole batch").isPositive();
        assertThat(remounts).as("remounts after a master restart").isPositive();
        assertThat(codes).as("client error codes seen").containsKeys(
            ErrorCode.OBJECT_NOT_FOUND.code(), ErrorCode.OBJECT_ALREADY_EXISTS.code(),
            ErrorCode.NO_AVAILABLE_HANDLE.code(), ErrorCode.TRANSFER_FAIL.code(), ErrorCode.INVALID_WRITE.code(),
            ErrorCode.INVALID_READ.code(), ErrorCode.BUFFER_OVERFLOW.code(), ErrorCode.RPC_TIMEOUT.code());
    }

    @Test
    void aSeedReproducesItsRun()
    {
        final StoreFaultRun a = new StoreFaultRun(77, OPS).run();
        final StoreFaultRun b = new StoreFaultRun(77, OPS).run();
        assertThat(a.codesSeen).isEqualTo(b.codesSeen);
        assertThat(a.readsVerified).isEqualTo(b.readsVerified);
        assertThat(a.clientCounters.bytesWritten()).isEqualTo(b.clientCounters.bytesWritten());
        assertThat(a.clientCounters.putsRevoked()).isEqualTo(b.clientCounters.putsRevoked());
    }
}
