package dev.kvtier.model.tokens;

import java.util.SplittableRandom;

/**
 * The output tokens a serving front end returns for a prompt, since no model computes them: words drawn from a
 * stream seeded by the prompt's tokens, so the same prompt always gets the same answer (temperature changes
 * nothing) in every process and run, and a client can check what it receives. The synthetic model never emits an
 * end-of-sequence token, so a request ends at {@code max_new_tokens} or at a stop string.
 */
public final class SyntheticOutput
{
    private SyntheticOutput()
    {
    }

    /** The first {@code n} output token ids for {@code prompt}. */
    public static int[] tokens(final int[] prompt, final int n)
    {
        long seed = 0x6f75747075744b56L;
        for (final int t : prompt)
        {
            seed = (seed ^ t) * 0x100000001b3L;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] out = new int[n];
        for (int i = 0; i < n; i++)
        {
            out[i] = SyntheticTokenizer.wordId(random.nextInt(SyntheticTokenizer.WORDS));
        }
        return out;
    }

    /** Where output ends: after {@code tokens} tokens, because of {@code matched} (null when none matched). */
    public record Stop(int tokens, String matched)
    {
    }

    /**
     * Where {@code tokens} end given the {@code stops}: after the token whose word completes the first stop string
     * the text contains (the first in list order when several complete at once), or at the end when none does.
     */
    public static Stop stopAt(final int[] tokens, final java.util.List<String> stops)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens.length && !stops.isEmpty(); i++)
        {
            text.append(SyntheticTokenizer.word(tokens[i]));
            for (final String s : stops)
            {
                if (!s.isEmpty() && text.indexOf(s) >= 0)
                {
                    return new Stop(i + 1, s);
                }
            }
        }
        return new Stop(tokens.length, null);
    }
}
