package dev.kvtier.sim.replay;

import dev.kvtier.sim.serving.PageCatalog;
import dev.kvtier.workloads.recorded.RecordedTrace;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceVisitor;
import dev.kvtier.workloads.trace.TraceRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded trace as the simulator replays it: the arrivals in time order (a stable sort of append order, so a
 * simulator's recording keeps its request order) with their recorded times, sizes and prefix chains, and each
 * arrival's recorded outcome beside it. A replay must start from what the recording saw, not from a re-derived
 * trace: the times are the recorded nanoseconds, and a chain of page keys stays those keys ({@link
 * PageCatalog#ofKeys}), so only a chain of Mooncake hash ids can be cut into pages of another size.
 */
public final class RecordedWorkload
{
    private final Path dir;
    private final TraceHeader header;
    private final List<TraceRecord> records;
    private final long[] arrivalsNs;
    private final List<String[]> pageKeys;
    private final int keyPageSize;
    private final List<TraceArrival> arrivals;
    private final List<TraceOutcome> outcomes;
    private final int unmatchedOutcomes;

    private RecordedWorkload(final Path dir, final TraceHeader header, final List<TraceArrival> arrivals,
        final List<TraceOutcome> outcomes, final List<String[]> pageKeys, final int keyPageSize,
        final int unmatchedOutcomes)
    {
        this.dir = dir;
        this.header = header;
        this.arrivals = arrivals;
        this.outcomes = outcomes;
        this.pageKeys = pageKeys;
        this.keyPageSize = keyPageSize;
        this.unmatchedOutcomes = unmatchedOutcomes;
        this.records = new ArrayList<>(arrivals.size());
        this.arrivalsNs = new long[arrivals.size()];
        for (int i = 0; i < arrivals.size(); i++)
        {
            final TraceArrival a = arrivals.get(i);
            arrivalsNs[i] = a.timeNs();
            records.add(new TraceRecord(Math.floorDiv(a.timeNs(), 1_000_000L), a.promptTokens(), a.outputTokens(),
                a.hashIds()));
        }
    }

    /**
     * Reads the trace in {@code dir}.
     *
     * @throws IllegalArgumentException for a trace a replay cannot use (no arrivals, duplicate request ids, chains
     *                                  of both kinds or of several page sizes, more page keys than prompt pages)
     */
    public static RecordedWorkload read(final Path dir) throws IOException
    {
        final List<TraceArrival> arrivals = new ArrayList<>();
        final List<TraceOutcome> outcomes = new ArrayList<>();
        final TraceHeader header;
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            header = trace.header();
            trace.read(new TraceVisitor()
            {
                @Override
                public void arrival(final TraceArrival arrival)
                {
                    arrivals.add(arrival);
                }

                @Override
                public void outcome(final TraceOutcome outcome)
                {
                    outcomes.add(outcome);
                }
            });
        }
        if (arrivals.isEmpty())
        {
            throw new IllegalArgumentException("recorded trace " + dir + " has no arrivals to replay");
        }
        arrivals.sort(Comparator.comparingLong(TraceArrival::timeNs));
        final Map<Long, Integer> index = new HashMap<>();
        boolean ids = false;
        int keySize = 0;
        for (int i = 0; i < arrivals.size(); i++)
        {
            final TraceArrival a = arrivals.get(i);
            if (index.put(a.requestId(), i) != null)
            {
                throw new IllegalArgumentException("recorded trace " + dir + ": request id " + a.requestId()
                    + " arrives twice");
            }
            ids |= a.hashIds().length > 0;
            if (a.pageKeys().length > 0)
            {
                if (keySize != 0 && keySize != a.chainTokens())
                {
                    throw new IllegalArgumentException("recorded trace " + dir + ": page keys of " + keySize + " and "
                        + a.chainTokens() + " tokens per page; a replay needs one page size");
                }
                keySize = a.chainTokens();
                if ((long)a.pageKeys().length * a.chainTokens() > a.promptTokens())
                {
                    throw new IllegalArgumentException("recorded trace " + dir + ": request " + a.requestId()
                        + " has " + a.pageKeys().length + " page keys of " + a.chainTokens() + " tokens but a "
                        + a.promptTokens() + "-token prompt");
                }
            }
        }
        if (ids && keySize != 0)
        {
            throw new IllegalArgumentException("recorded trace " + dir + ": some chains are hash ids and some page "
                + "keys; a replay needs one kind");
        }
        final TraceOutcome[] matched = new TraceOutcome[arrivals.size()];
        int unmatched = 0;
        for (final TraceOutcome o : outcomes)
        {
            final Integer i = index.get(o.requestId());
            if (i == null || matched[i] != null)
            {
                unmatched++;
            }
            else
            {
                matched[i] = o;
            }
        }
        List<String[]> keys = null;
        if (keySize != 0)
        {
            keys = new ArrayList<>(arrivals.size());
            for (final TraceArrival a : arrivals)
            {
                keys.add(a.pageKeys());
            }
        }
        return new RecordedWorkload(dir, header, List.copyOf(arrivals), Arrays.asList(matched), keys, keySize,
            unmatched);
    }

    public Path dir()
    {
        return dir;
    }

    public TraceHeader header()
    {
        return header;
    }

    /** The arrivals in replay order; request {@code i} of a replay is arrival {@code i}. */
    public List<TraceArrival> arrivals()
    {
        return arrivals;
    }

    /** Outcome of arrival {@code i}, or null where the recording has none (still running, or cut). */
    public List<TraceOutcome> outcomes()
    {
        return outcomes;
    }

    /** Outcomes whose request id matched no arrival (or repeated one); left out of every figure. */
    public int unmatchedOutcomes()
    {
        return unmatchedOutcomes;
    }

    /** The arrivals as trace records (sizes, hash ids; timestamps in ms, rounded down), in replay order. */
    public List<TraceRecord> records()
    {
        return records;
    }

    /** Recorded arrival times in ns, in replay order. */
    public long[] arrivalsNs()
    {
        return arrivalsNs;
    }

    /** Tokens per page of the recorded page keys, or 0 when the chains are Mooncake hash ids. */
    public int keyPageSize()
    {
        return keyPageSize;
    }

    /**
     * The requests' page chains at {@code pageSize}: hash ids are hashed into pages of any size the simulator
     * takes; recorded page keys only at the size they were recorded at.
     *
     * @throws IllegalArgumentException when the keys were recorded at another page size
     */
    public PageCatalog catalog(final int pageSize)
    {
        if (pageKeys == null)
        {
            return PageCatalog.build(records, pageSize);
        }
        if (pageSize != keyPageSize)
        {
            throw new IllegalArgumentException("the recording's page keys are " + keyPageSize + "-token pages; "
                + "serving.page_size " + pageSize + " cannot re-cut them (replay at serving.page_size="
                + keyPageSize + ")");
        }
        final List<String[]> outputKeys = new ArrayList<>(arrivals.size());
        for (final TraceOutcome o : outcomes)
        {
            outputKeys.add(o == null ? null : o.outputKeys());
        }
        return PageCatalog.ofKeys(pageKeys, outputKeys, pageSize);
    }
}
