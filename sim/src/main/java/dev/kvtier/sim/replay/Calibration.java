package dev.kvtier.sim.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits a few cluster config fields ("knobs") so that replaying a recording reproduces what it recorded: the
 * simulator's cost model has constants a live run measures (a front end's per-request overhead, the effective L3
 * transfer rate), and a replay with wrong ones predicts wrong TTFTs and prefetch timeouts. The search is a
 * coordinate search, deterministic and bounded: per knob, a few rounds of a 9-point grid (in log space for a rate),
 * each round narrowed to the neighbours of the best point; a point is taken only when it lowers the loss, so the fit
 * is never worse than the start. The loss is the sum of squared replay errors ({@link ReplayMetrics#error}) over
 * {@link #FIT_METRICS}, a ratio's error (percentage points) weighted by 10 so that 1 pp counts as a 10% miss.
 * The ITL p50 pins a compute time scale when one is fitted, and is a constant of the loss otherwise.
 *
 * <p>The prefetch outcomes enter as the number of prefetches that ended ({@value #PREFETCH_ENDED}: completed,
 * partial or timed out) and the share of them that timed out ({@value #TIMED_OUT_SHARE}) in place of the completed
 * count, beside the timed-out count: which prefetches start is the cache's doing, which of the started ones time
 * out the links'. With the counts alone, a replay that starts fewer prefetches than the recording could match the
 * timed-out count by letting none complete (a rate far below the real one); with the share, letting none complete
 * is a miss of the whole completed share. The simulations are the caller's ({@link Replays}): this type only
 * chooses which ones to run.
 */
public final class Calibration
{
    /** Prefetches that ended (completed, partial or timed out), a figure derived from {@link ReplayMetrics}'. */
    public static final String PREFETCH_ENDED = "prefetch_ended";
    /** Timed-out prefetches over those that ended (0 when none ended), a ratio derived from {@link ReplayMetrics}'. */
    public static final String TIMED_OUT_SHARE = "prefetch_timed_out_ratio";
    /** The figures the loss compares: what the knobs move ({@link #withDerived} adds the two derived ones). */
    public static final List<String> FIT_METRICS = List.of("ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms",
        "hit_ratio_storage", PREFETCH_ENDED, TIMED_OUT_SHARE, "prefetch_timed_out");

    private static final int POINTS = 9;
    private static final double RATIO_WEIGHT = 10;

    /**
     * One fitted field: {@code path} as {@code --set} names it, its starting value and the range searched.
     *
     * @param log search in log space (a rate; {@code min} must then be above 0)
     */
    public record Knob(String path, double start, double min, double max, boolean log)
    {
    }

    /**
     * Runs one replay per settings map (knob path → value, added to the caller's own overrides), in any order or in
     * parallel, and returns each run's {@link ReplayMetrics} figures in the same order.
     */
    @FunctionalInterface
    public interface Replays
    {
        List<Map<String, Double>> run(List<Map<String, String>> settings) throws Exception;
    }

    /**
     * What the fit found.
     *
     * @param fitted     knob path → fitted value
     * @param before     the figures of the starting values' replay
     * @param after      the figures of the fitted values' replay
     * @param lossBefore loss at the start
     * @param lossAfter  loss at the fit (never above {@code lossBefore})
     * @param runs       simulations run
     */
    public record Result(Map<String, Double> fitted, Map<String, Double> before, Map<String, Double> after,
        double lossBefore, double lossAfter, int runs)
    {
    }

    private Calibration()
    {
    }

    /**
     * Fits {@code knobs} to {@code recorded}.
     *
     * @param passes coordinate passes over all knobs (two let interacting knobs settle)
     * @param rounds grid rounds per knob and pass (each narrows the range to about a quarter)
     */
    public static Result fit(final List<Knob> knobs, final Map<String, Double> recorded, final Replays replays,
        final int passes, final int rounds) throws Exception
    {
        final Map<String, Double> current = new LinkedHashMap<>();
        knobs.forEach(k -> current.put(k.path(), k.start()));
        final Map<String, Double> before = replays.run(List.of(settings(current))).get(0);
        int runs = 1;
        double loss = loss(recorded, before);
        Map<String, Double> after = before;
        for (int pass = 0; pass < passes; pass++)
        {
            for (final Knob k : knobs)
            {
                double lo = k.log() ? Math.log(k.min()) : k.min();
                double hi = k.log() ? Math.log(k.max()) : k.max();
                for (int round = 0; round < rounds; round++)
                {
                    final double step = (hi - lo) / (POINTS - 1);
                    final List<Double> values = new ArrayList<>();
                    final List<Map<String, String>> trials = new ArrayList<>();
                    for (int i = 0; i < POINTS; i++)
                    {
                        final double x = lo + i * step;
                        final double v = Double.parseDouble(format(k.log() ? Math.exp(x) : x));
                        final Map<String, Double> trial = new LinkedHashMap<>(current);
                        trial.put(k.path(), v);
                        values.add(v);
                        trials.add(settings(trial));
                    }
                    final List<Map<String, Double>> figures = replays.run(trials);
                    runs += POINTS;
                    int best = -1;
                    double bestLoss = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < POINTS; i++)
                    {
                        final double l = loss(recorded, figures.get(i));
                        if (l < bestLoss)
                        {
                            bestLoss = l;
                            best = i;
                        }
                    }
                    if (bestLoss < loss)
                    {
                        loss = bestLoss;
                        after = figures.get(best);
                        current.put(k.path(), values.get(best));
                    }
                    final double centre = k.log() ? Math.log(current.get(k.path())) : current.get(k.path());
                    lo = Math.max(k.log() ? Math.log(k.min()) : k.min(), centre - step);
                    hi = Math.min(k.log() ? Math.log(k.max()) : k.max(), centre + step);
                }
            }
        }
        return new Result(current, before, after, loss(recorded, before), loss, runs);
    }

    /** The loss of simulated figures against recorded ones; a figure the recording lacks counts nothing. */
    public static double loss(final Map<String, Double> recorded, final Map<String, Double> simulated)
    {
        final Map<String, Double> rec0 = withDerived(recorded);
        final Map<String, Double> sim = withDerived(simulated);
        double sum = 0;
        for (final String name : FIT_METRICS)
        {
            final Double rec = rec0.get(name);
            if (rec == null)
            {
                continue;
            }
            final Double e = ReplayMetrics.error(name, rec, sim.get(name));
            final double w = e == null ? 1 : ReplayMetrics.isRatio(name) ? e * RATIO_WEIGHT : e;
            sum += w * w;
        }
        return sum;
    }

    /**
     * {@code figures} ({@link ReplayMetrics}') with {@link #PREFETCH_ENDED} and {@link #TIMED_OUT_SHARE} added, when
     * they have the prefetch counts.
     */
    public static Map<String, Double> withDerived(final Map<String, Double> figures)
    {
        final Double completed = figures.get("prefetch_completed");
        final Double partial = figures.get("prefetch_partial");
        final Double timedOut = figures.get("prefetch_timed_out");
        if (completed == null || partial == null || timedOut == null)
        {
            return figures;
        }
        final Map<String, Double> all = new LinkedHashMap<>(figures);
        final double ended = completed + partial + timedOut;
        all.put(PREFETCH_ENDED, ended);
        all.put(TIMED_OUT_SHARE, ended == 0 ? 0 : Math.round(timedOut / ended * 1e6) / 1e6);
        return all;
    }

    /** A value as {@code --set} takes it: 6 significant digits, so a written config reads back the same. */
    public static String format(final double v)
    {
        return String.format(Locale.ROOT, "%.6g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
            .replaceFirst("\\.(e|$)", "$1");
    }

    private static Map<String, String> settings(final Map<String, Double> values)
    {
        final Map<String, String> s = new LinkedHashMap<>();
        values.forEach((path, v) -> s.put(path, format(v)));
        return s;
    }
}
