package dev.kvtier.model.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cache_aware's one pass over {@link PrefixHolders} against the scan it replaced, every tree's binary search in index
 * order, first longest match winning: prompts drawn from a shared tree of prefixes (turns extending conversations,
 * shared system prompts), routed to random trees and trimmed as the router's timer trims them; and, where ids are
 * not prefix hashes, the holders' saying so before their answer could differ.
 */
class PrefixHoldersTest
{
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 64})
    void shouldPickWhatAScanOfEveryTreePicks(final int instances)
    {
        final Replay replay = new Replay(instances, false);
        assertThat(replay.consistentSteps).as("prefix-hash ids stay consistent").isEqualTo(20_000);
        assertThat(replay.matched).as("prompts that matched something").isGreaterThan(5_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 16})
    void shouldSayWhenIdsThatAreNotPrefixHashesWouldMakeItPickOtherwise(final int instances)
    {
        final Replay replay = new Replay(instances, true);
        assertThat(replay.consistentSteps).as("an id reused under another parent is noticed").isLessThan(20_000);
    }

    @Test
    void shouldNoticeABlockSeenUnderASecondParentBeforeItsAnswerCouldDiffer()
    {
        // instance 0 holds X,B,C and instance 1 A and Y,D: the scan finds 3 pages on instance 0 for A,B,C,D, the
        // union 4 (A, B, C, D are all held by someone); B under A is the second parent that gives it away
        final PrefixHolders holders = new PrefixHolders();
        final PageLru zero = new PageLru(holders, 0);
        final PageLru one = new PageLru(holders, 1);
        final int x = 1;
        final int a = 2;
        final int b = 3;
        final int c = 4;
        final int y = 5;
        final int d = 6;
        zero.touch(new int[] {x, b, c}, 3);
        one.touch(new int[] {a}, 1);
        one.touch(new int[] {y, d}, 2);
        assertThat(holders.consistentWith(new int[] {x, b, c})).isTrue();
        assertThat(holders.consistentWith(new int[] {a, b, c, d})).isFalse();
        assertThat(holders.consistentWith(new int[] {x, b})).as("for good").isFalse();
    }

    /** Prompts routed to random trees, each checked against the scan while the holders say they may answer. */
    private static final class Replay
    {
        int consistentSteps;
        int matched;

        Replay(final int instances, final boolean reuseIds)
        {
            final SplittableRandom random = new SplittableRandom(instances);
            final PrefixHolders holders = new PrefixHolders();
            final PageLru[] trees = new PageLru[instances];
            for (int i = 0; i < instances; i++)
            {
                trees[i] = new PageLru(holders, i);
            }
            final Map<Long, Integer> children = new HashMap<>();
            final List<int[]> prompts = new ArrayList<>();
            for (int step = 0; step < 20_000; step++)
            {
                final int[] prompt = prompt(random, prompts, children);
                if (reuseIds && random.nextInt(500) == 0)
                {
                    // an id the trace used before, at another place
                    prompt[random.nextInt(prompt.length)] = random.nextInt(children.size());
                }
                int scanLen = -1;
                int scanBest = 0;
                for (int i = 0; i < instances; i++)
                {
                    final int len = trees[i].prefixLength(prompt);
                    if (len > scanLen)
                    {
                        scanLen = len;
                        scanBest = i;
                    }
                }
                if (holders.consistentWith(prompt))
                {
                    assertThat(consistentSteps).as("consistent until the first sighting, then never").isEqualTo(step);
                    consistentSteps++;
                    final int len = holders.prefixLength(prompt);
                    assertThat(len).as("longest match at step %d", step).isEqualTo(scanLen);
                    assertThat(len == 0 ? 0 : holders.lowestHolder(prompt[len - 1])).as("instance at step %d", step)
                        .isEqualTo(scanBest);
                    matched += len > 0 ? 1 : 0;
                }
                trees[random.nextInt(instances)].touch(prompt, prompt.length);
                if (random.nextInt(50) == 0)
                {
                    for (final PageLru t : trees)
                    {
                        t.trimTo(random.nextInt(400));
                    }
                }
            }
        }
    }

    /** A new prompt: a random earlier one cut short and extended, or a fresh one under one of a few roots. */
    private static int[] prompt(final SplittableRandom random, final List<int[]> prompts,
        final Map<Long, Integer> children)
    {
        final int[] base = prompts.isEmpty() || random.nextInt(10) == 0
            ? new int[] {child(-1 - random.nextInt(4), 0, children)} : prompts.get(random.nextInt(prompts.size()));
        final int keep = 1 + random.nextInt(base.length);
        final int[] prompt = new int[keep + random.nextInt(12)];
        System.arraycopy(base, 0, prompt, 0, keep);
        for (int i = keep; i < prompt.length; i++)
        {
            prompt[i] = child(prompt[i - 1], random.nextInt(3), children);
        }
        prompts.add(prompt);
        return prompt;
    }

    /** The page id after {@code parent} on branch {@code branch}: the same prefix is the same id. */
    private static int child(final int parent, final int branch, final Map<Long, Integer> children)
    {
        return children.computeIfAbsent((long)parent << 8 | branch, k -> children.size());
    }
}
