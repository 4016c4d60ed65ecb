package dev.kvtier.model.hicache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Request chains as the radix cache's property tests draw them: seven in ten take a prefix of an earlier chain and
 * add up to five new pages (branching prefixes and re-visits), the rest are new chains of 1 to 10 pages; page ids
 * are numbered in order of first use, and each page's parent in the tree is remembered.
 */
final class RandomChains
{
    private final SplittableRandom random;
    private final List<int[]> chains = new ArrayList<>();
    /** Each page's parent, -1 for a root page, -2 past the pages made so far. */
    private int[] parentOf = filled(new int[64]);
    private int pages;

    RandomChains(final SplittableRandom random)
    {
        this.random = random;
    }

    /** The next request's chain. */
    int[] next()
    {
        final int[] chain;
        if (!chains.isEmpty() && random.nextInt(10) < 7)
        {
            final int[] old = chains.get(random.nextInt(chains.size()));
            final int keep = 1 + random.nextInt(old.length);
            chain = Arrays.copyOf(old, keep + random.nextInt(6));
            for (int i = keep; i < chain.length; i++)
            {
                chain[i] = newPage(chain[i - 1]);
            }
        }
        else
        {
            chain = new int[1 + random.nextInt(10)];
            for (int i = 0; i < chain.length; i++)
            {
                chain[i] = newPage(i == 0 ? -1 : chain[i - 1]);
            }
        }
        chains.add(chain);
        return chain;
    }

    /** How many page ids the chains have used: the ids are {@code [0, pages())}. */
    int pages()
    {
        return pages;
    }

    /** Each page's parent by id (-1 for a root page, -2 for an id not used yet); read-only. */
    int[] parents()
    {
        return parentOf;
    }

    private int newPage(final int parent)
    {
        if (pages == parentOf.length)
        {
            parentOf = filled(Arrays.copyOf(parentOf, pages * 2), pages);
        }
        parentOf[pages] = parent;
        return pages++;
    }

    private static int[] filled(final int[] a)
    {
        return filled(a, 0);
    }

    private static int[] filled(final int[] a, final int from)
    {
        Arrays.fill(a, from, a.length, -2);
        return a;
    }
}
