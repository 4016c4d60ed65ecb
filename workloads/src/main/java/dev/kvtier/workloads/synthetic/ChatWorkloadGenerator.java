package dev.kvtier.workloads.synthetic;

import dev.kvtier.workloads.trace.TraceRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates a multi-turn chat workload in the Mooncake trace format from one seed.
 *
 * <p>Each session starts with a system prompt (shared by every session that picked it), optionally a long
 * document, then alternates user messages and answers; every request resends the whole history. A block's
 * identity is what its tokens are: blocks inside a system prompt are keyed by (prompt, index, length) and every
 * other block by (session, index, length). Ids are then assigned densely in order of first appearance, so the
 * output has the same verified properties as the published traces: prefix-chained ids, a fixed length per id,
 * and a partial last block that never reappears as a full block.
 */
public final class ChatWorkloadGenerator
{
    private static final double GENERATION_SECONDS_PER_TOKEN = 0.03;

    private final ChatWorkloadConfig config;

    public ChatWorkloadGenerator(final ChatWorkloadConfig config)
    {
        this.config = config.validate();
    }

    /** All requests, sorted by arrival time (ties by session, then turn). */
    public List<TraceRecord> generate()
    {
        final SplittableRandom random = new SplittableRandom(config.seed());
        final int[] systemTokens = new int[config.systemPrompts()];
        for (int p = 0; p < systemTokens.length; p++)
        {
            systemTokens[p] = config.minSystemTokens()
                + random.nextInt(config.maxSystemTokens() - config.minSystemTokens() + 1);
        }
        final double[] zipfCdf = zipfCdf(config.systemPrompts(), config.zipfExponent());

        final List<PendingRequest> pending = new ArrayList<>();
        double sessionStart = 0;
        int session = 0;
        while (true)
        {
            sessionStart += exponential(random, 1.0 / config.sessionsPerSecond());
            if (sessionStart >= config.durationSeconds())
            {
                break;
            }
            addSession(random, session++, sessionStart, systemTokens, zipfCdf, pending);
        }
        pending.sort(Comparator.comparingLong(PendingRequest::timestampMs)
            .thenComparingInt(PendingRequest::session).thenComparingInt(PendingRequest::turn));

        final Map<Long, Long> ids = new HashMap<>();
        final List<TraceRecord> out = new ArrayList<>(pending.size());
        for (final PendingRequest r : pending)
        {
            final long[] hashIds = new long[r.blockKeys.length];
            for (int i = 0; i < hashIds.length; i++)
            {
                final Long id = ids.computeIfAbsent(r.blockKeys[i], k -> (long)ids.size());
                hashIds[i] = id;
            }
            out.add(new TraceRecord(r.timestampMs, r.inputTokens, r.outputTokens, hashIds));
        }
        return out;
    }

    private void addSession(
        final SplittableRandom random,
        final int session,
        final double start,
        final int[] systemTokens,
        final double[] zipfCdf,
        final List<PendingRequest> out)
    {
        final int prompt = sample(zipfCdf, random.nextDouble());
        final int sharedTokens = systemTokens[prompt];
        int context = sharedTokens;
        if (random.nextDouble() < config.documentFraction())
        {
            context += (int)Math.max(512, exponential(random, config.meanDocumentTokens()));
        }
        final double continueProbability = 1.0 - 1.0 / config.meanTurns();
        double time = start;
        int turn = 0;
        do
        {
            final int user = (int)Math.max(16, exponential(random, config.meanUserTokens()));
            final int output = (int)Math.max(1, exponential(random, config.meanOutputTokens()));
            final int input = context + user;
            if (input > config.maxInputTokens())
            {
                break;
            }
            out.add(new PendingRequest((long)Math.floor(time * 1000), session, turn, input, output,
                blockKeys(prompt, sharedTokens, session, input)));
            context = input + output;
            time += output * GENERATION_SECONDS_PER_TOKEN + exponential(random, config.meanThinkSeconds());
            turn++;
        }
        while (random.nextDouble() < continueProbability);
    }

    private static long[] blockKeys(final int prompt, final int sharedTokens, final int session, final int input)
    {
        final int blocks = TraceRecord.blocksFor(input);
        final long[] keys = new long[blocks];
        for (int j = 0; j < blocks; j++)
        {
            final int len = Math.min(TraceRecord.BLOCK_TOKENS, input - TraceRecord.BLOCK_TOKENS * j);
            final boolean shared = TraceRecord.BLOCK_TOKENS * j + len <= sharedTokens;
            final long owner = shared ? prompt : session;
            keys[j] = (shared ? 1L << 62 : 0L) | owner << 30 | (long)j << 10 | len;
        }
        return keys;
    }

    private static double[] zipfCdf(final int n, final double exponent)
    {
        final double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 1.0 / Math.pow(i + 1, exponent);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++)
        {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int sample(final double[] cdf, final double u)
    {
        for (int i = 0; i < cdf.length; i++)
        {
            if (u < cdf[i])
            {
                return i;
            }
        }
        return cdf.length - 1;
    }

    private static double exponential(final SplittableRandom random, final double mean)
    {
        return -mean * Math.log(1.0 - random.nextDouble());
    }

    private record PendingRequest(
        long timestampMs, int session, int turn, int inputTokens, int outputTokens, long[] blockKeys)
    {
    }
}
