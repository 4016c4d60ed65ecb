package dev.kvtier.workloads.multiturn;

import java.util.Arrays;

/**
 * One client's conversation: the history it resends every turn. Each answered turn appends the answer's tokens and,
 * while rounds remain, the next sub-question, so turn {@code k}'s prompt is turn {@code k - 1}'s prompt, its answer
 * and a new question, which is the prefix reuse the benchmark measures. Not thread-safe: one turn is in flight at a
 * time.
 */
public final class Conversation
{
    private final MultiTurnWorkload workload;
    private final int client;
    private int round;
    private int[] history;
    private int length;

    Conversation(final MultiTurnWorkload workload, final int client)
    {
        this.workload = workload;
        this.client = client;
        this.history = workload.question(client, 0);
        this.length = history.length;
    }

    public int client()
    {
        return client;
    }

    /** The current turn, 0-based. */
    public int round()
    {
        return round;
    }

    /** The prompt of the current turn: the whole history so far. */
    public int[] prompt()
    {
        return Arrays.copyOf(history, length);
    }

    /** Whether every round has been answered. */
    public boolean finished()
    {
        return round >= workload.config().rounds();
    }

    /**
     * Records the answer to the current turn and moves to the next one.
     *
     * @return whether another turn follows
     */
    public boolean answer(final int[] outputIds)
    {
        if (finished())
        {
            throw new IllegalStateException("client " + client + " has answered all its rounds");
        }
        round++;
        if (finished())
        {
            return false;
        }
        final int[] question = workload.question(client, round);
        ensure(length + outputIds.length + question.length);
        System.arraycopy(outputIds, 0, history, length, outputIds.length);
        length += outputIds.length;
        System.arraycopy(question, 0, history, length, question.length);
        length += question.length;
        return true;
    }

    private void ensure(final int capacity)
    {
        if (capacity > history.length)
        {
            history = Arrays.copyOf(history, Math.max(capacity, history.length * 2));
        }
    }
}
