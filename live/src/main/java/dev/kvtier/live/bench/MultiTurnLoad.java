package dev.kvtier.live.bench;

import dev.kvtier.workloads.multiturn.Conversation;
import dev.kvtier.workloads.multiturn.MultiTurnConfig;
import dev.kvtier.workloads.multiturn.MultiTurnWorkload;
import dev.kvtier.workloads.multiturn.PoissonTicks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SGLang's {@code bench_multiturn} as a load source: every client's first turn is ready at the start; a Poisson
 * process of send attempts ({@code --request-rate}) takes one ready turn each; an answered turn makes the client's
 * next turn (history, answer, new sub-question) ready until its rounds are done. As in the reference, a failed turn
 * ends its conversation, since the history it would resend is unknown.
 */
public final class MultiTurnLoad implements LoadSource
{
    private static final long PICK_STREAM = 0x7265616479L;

    private final MultiTurnConfig config;
    private final Conversation[] conversations;
    private final PoissonTicks ticks;
    private final ReadyOrder order;
    private final SplittableRandom pick;
    private final List<Integer> ready = new ArrayList<>();
    private int active;
    private int sent;

    public MultiTurnLoad(final MultiTurnConfig config, final double requestRate, final ReadyOrder order)
    {
        this.config = config;
        this.ticks = new PoissonTicks(requestRate, config.seed());
        this.order = order;
        this.pick = new SplittableRandom(config.seed() ^ PICK_STREAM);
        final MultiTurnWorkload workload = new MultiTurnWorkload(config);
        this.conversations = new Conversation[config.clients()];
        for (int c = 0; c < conversations.length; c++)
        {
            conversations[c] = workload.conversation(c);
            ready.add(c);
        }
        this.active = conversations.length;
    }

    @Override
    public long planned()
    {
        return config.requests();
    }

    @Override
    public synchronized long nextDueNs(final long lastDueNs)
    {
        return lastDueNs < 0 ? 0 : lastDueNs + ticks.nextGapNs();
    }

    @Override
    public synchronized BenchRequest poll()
    {
        if (ready.isEmpty())
        {
            return null;
        }
        final int client = ready.remove(order == ReadyOrder.FIFO ? 0 : pick.nextInt(ready.size()));
        final Conversation c = conversations[client];
        return new BenchRequest(sent++, client, c.round(), -1, c.prompt(), config.outputLength());
    }

    @Override
    public synchronized long completed(final BenchRequest request, final GenerateOutcome outcome)
    {
        if (!outcome.ok())
        {
            active--;
            return config.rounds() - request.round() - 1;
        }
        if (conversations[request.client()].answer(outcome.outputIds()))
        {
            ready.add(request.client());
        }
        else
        {
            active--;
        }
        return 0;
    }

    @Override
    public synchronized boolean exhausted()
    {
        return active == 0;
    }
}
