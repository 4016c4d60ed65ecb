package dev.kvtier.model.routing;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node each request of a hit-rate replay goes to. */
class HitRoutingTest
{
    private static final BlockChains TRACE = chains(
        new int[] {0, 1}, new int[] {0, 1, 2}, new int[] {3}, new int[] {0, 1, 4}, new int[] {}, new int[] {3, 5});

    /** Chains given as arrays of dense block ids, one per request. */
    private static BlockChains chains(final int[]... requests)
    {
        return new BlockChains()
        {
            @Override
            public int requests()
            {
                return requests.length;
            }

            @Override
            public int blockCount(final int request)
            {
                return requests[request].length;
            }

            @Override
            public int block(final int request, final int index)
            {
                return requests[request][index];
            }
        };
    }

    @Test
    void shouldSendEverythingToPoolZeroWhenThereIsOnePool()
    {
        for (final HitRouting r : HitRouting.values())
        {
            assertThat(r.route(TRACE, 1, 2, 7)).containsOnly(0).hasSize(6);
        }
    }

    @Test
    void roundRobinShouldCycleThroughThePools()
    {
        assertThat(HitRouting.ROUND_ROBIN.route(TRACE, 4, 2, 7)).containsExactly(0, 1, 2, 3, 0, 1);
    }

    @Test
    void prefixHashShouldSendRequestsSharingThePrefixToOnePool()
    {
        final int[] pool = HitRouting.PREFIX_HASH.route(TRACE, 8, 2, 7);
        assertThat(pool[1]).as("same first two blocks").isEqualTo(pool[3]);
        assertThat(pool[0]).as("a chain as deep as the hashed prefix").isEqualTo(pool[1]);
        assertThat(Arrays.stream(pool)).allSatisfy(p -> assertThat(p).isBetween(0, 7));
    }

    @Test
    void randomShouldDependOnlyOnTheSeed()
    {
        assertThat(HitRouting.RANDOM.route(TRACE, 3, 2, 11))
            .containsExactly(HitRouting.RANDOM.route(TRACE, 3, 2, 11));
    }

    @Test
    void labelsShouldParseBack()
    {
        for (final HitRouting r : HitRouting.values())
        {
            assertThat(HitRouting.parse(" " + r.label().toUpperCase(Locale.ROOT))).isEqualTo(r);
        }
        for (final PoolPlacement p : PoolPlacement.values())
        {
            assertThat(PoolPlacement.parse(p.label())).isEqualTo(p);
        }
        assertThat(PoolPlacement.GLOBAL.pools(4)).isEqualTo(1);
        assertThat(PoolPlacement.LOCAL.pools(4)).isEqualTo(4);
        assertThatThrownBy(() -> HitRouting.parse("nearest")).hasMessageContaining("prefix_hash");
    }
}
