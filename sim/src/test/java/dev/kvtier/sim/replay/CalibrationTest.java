package dev.kvtier.sim.replay;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CalibrationTest
{
    /** A live recording's figures: 33 prefetches completed, 19 timed out, storage serving 2.6% of L1/L2 misses. */
    private static final Map<String, Double> RECORDED = figures(33, 19, 0.026);

    private static Map<String, Double> figures(final double completed, final double timedOut, final double storage)
    {
        final Map<String, Double> f = new HashMap<>();
        f.put("ttft_p50_ms", 10.0);
        f.put("ttft_p99_ms", 100.0);
        f.put("itl_p50_ms", 2.0);
        f.put("hit_ratio_storage", storage);
        f.put("prefetch_completed", completed);
        f.put("prefetch_partial", 0.0);
        f.put("prefetch_timed_out", timedOut);
        return f;
    }

    @Test
    void derivesTheEndedCountAndTheTimedOutShare()
    {
        final Map<String, Double> d = Calibration.withDerived(RECORDED);
        assertThat(d.get(Calibration.PREFETCH_ENDED)).isEqualTo(52.0);
        assertThat(d.get(Calibration.TIMED_OUT_SHARE)).isCloseTo(19.0 / 52, within(1e-6));
        assertThat(Calibration.withDerived(figures(0, 0, 0)).get(Calibration.TIMED_OUT_SHARE)).isZero();
        assertThat(Calibration.withDerived(Map.of("ttft_p50_ms", 1.0))).doesNotContainKey(Calibration.PREFETCH_ENDED);
    }

    @Test
    void lettingNothingCompleteIsNotAWayToMatchTheTimedOutCount()
    {
        // a replay that starts fewer prefetches could match the count of timeouts by letting none complete (a link
        // far slower than the real one): with the share in the loss, the replay that keeps the completed share wins
        final double nothingCompletes = Calibration.loss(RECORDED, figures(0, 18, 0));
        final double sameShare = Calibration.loss(RECORDED, figures(36, 21, 0.023));
        assertThat(sameShare).isLessThan(nothingCompletes / 10);
        assertThat(Calibration.loss(RECORDED, RECORDED)).isZero();
    }

    @Test
    void theFitNeverEndsWorseThanItStarted() throws Exception
    {
        // a replay whose timed-out share grows as the rate falls: the fit moves the rate to the recorded share
        final Calibration.Replays replays = settings -> settings.stream().map(s ->
        {
            final double gbps = Double.parseDouble(s.get("nic.gbps"));
            final double share = Math.min(1, 0.365 * 10 / gbps);
            return figures(52 * (1 - share), 52 * share, 0.026 * (1 - share) / (1 - 0.365));
        }).toList();
        final Calibration.Result r = Calibration.fit(List.of(new Calibration.Knob("nic.gbps", 100, 100.0 / 64,
            100 * 64, true)), RECORDED, replays, 2, 5);
        assertThat(r.lossAfter()).isLessThanOrEqualTo(r.lossBefore());
        assertThat(r.fitted().get("nic.gbps")).isCloseTo(10, within(0.2));
    }
}
