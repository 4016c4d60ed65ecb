package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PageHasherTest
{
    @Test
    void shouldReproduceSglangsPageHashChainTestVectors()
    {
        final PageHasher hasher = new PageHasher();
        final byte[] first = hasher.hash(null, new int[] {1, 2, 3, 4}, 0, 4);
        assertThat(PageHasher.hex(first))
            .isEqualTo("cf97adeedb59e05bfd73a2b4c2a8885708c4f4f70c84c64b27120e72ab733b72");
        final byte[] second = hasher.hash(first, new int[] {5, 6, 7, 8}, 0, 4);
        assertThat(PageHasher.hex(second))
            .isEqualTo("4ebfa8a1f3c341517621838c6e1b9aa350307e3f00b3cbd1a07ef740f54396d6");
    }

    @Test
    void shouldGiveTheSameBlockTheSameTokensAndDifferentBlocksDifferentOnes()
    {
        assertThat(BlockTokens.of(17, 512)).isEqualTo(BlockTokens.of(17, 512));
        assertThat(BlockTokens.of(17, 100)).isEqualTo(java.util.Arrays.copyOf(BlockTokens.of(17, 512), 100));
        assertThat(BlockTokens.of(17, 64)).isNotEqualTo(BlockTokens.of(18, 64));
    }
}
