package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** Page bytes as a function of (key, layer, rank): a page matches its own key, never another or a flipped byte. */
class KvPagePatternTest
{
    @Test
    void aFilledPageShouldMatchItsKeyOnlyAndEveryByteShouldCount()
    {
        final KvPagePattern p = new KvPagePattern(4096, 4, 2);
        final ByteBuffer b = ByteBuffer.allocateDirect(3 * 4096);
        p.fill(b, 4096, "abc");
        assertThat(p.matches(b, 4096, "abc")).isTrue();
        assertThat(p.matches(b, 4096, "abd")).isFalse();
        assertThat(p.matches(b, 0, "abc")).isFalse();
        for (final int at : new int[] {4096, 4096 + 511, 4096 + 4095})
        {
            b.put(at, (byte)(b.get(at) ^ 1));
            assertThat(p.matches(b, 4096, "abc")).as("byte %d flipped", at).isFalse();
            b.put(at, (byte)(b.get(at) ^ 1));
        }
        assertThat(p.matches(b, 4096, "abc")).isTrue();
    }

    @Test
    void layersAndRanksShouldHoldDifferentBytes()
    {
        final KvPagePattern p = new KvPagePattern(4096, 4, 2);
        final ByteBuffer b = ByteBuffer.allocate(4096);
        p.fill(b, 0, "k");
        // the first word of each of the 8 (layer, rank) parts of 512 bytes differs from every other
        final java.util.Set<Long> firstWords = new java.util.HashSet<>();
        for (int part = 0; part < 8; part++)
        {
            firstWords.add(b.getLong(part * 512));
        }
        assertThat(firstWords).hasSize(8);
    }

    @Test
    void tokenChainsShouldGiveEqualPromptsEqualKeysAndSharedPrefixesSharedPages()
    {
        final TokenPageChains chains = new TokenPageChains(4);
        final int[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        final int[] b = {1, 2, 3, 4, 5, 6, 7, 0, 9, 9, 9, 9};
        final PageChain ca = chains.chain(a);
        final PageChain cb = chains.chain(b);
        assertThat(ca.length()).isEqualTo(2);
        assertThat(cb.length()).isEqualTo(3);
        assertThat(cb.ids()[0]).isEqualTo(ca.ids()[0]);
        assertThat(cb.key(0)).isEqualTo(ca.key(0));
        assertThat(cb.ids()[1]).isNotEqualTo(ca.ids()[1]);
        assertThat(chains.chain(a.clone()).key(1)).isEqualTo(ca.key(1));
        final byte[] d = new PageHasher().hash(null, a, 0, 4);
        assertThat(ca.key(0)).isEqualTo(PageHasher.hex(d));
    }
}
