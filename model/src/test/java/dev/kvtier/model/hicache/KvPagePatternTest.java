package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

    @Test
    void shouldFillEveryWordAsTheReferenceFormulaSays()
    {
        for (final int[] shape : new int[][] {{4096, 4, 2}, {4096, 3, 1}, {1000, 2, 2}, {64, 1, 1}})
        {
            final KvPagePattern pattern = new KvPagePattern(shape[0], shape[1], shape[2]);
            final ByteBuffer b = ByteBuffer.allocateDirect(shape[0] + 16).order(ByteOrder.nativeOrder());

            pattern.fill(b, 16, "0123abcd_0_k");

            for (int at = 0; at < shape[0]; at += 8)
            {
                assertThat(b.getLong(16 + at)).as("word at %d of %s", at, shape)
                    .isEqualTo(reference(shape[0], shape[1], shape[2], "0123abcd_0_k", at));
            }
        }
    }

    @Test
    void shouldMatchItsOwnPageAndNoOtherKeyNorAnyFlippedByte()
    {
        final KvPagePattern pattern = new KvPagePattern(2048, 4, 2);
        final ByteBuffer b = ByteBuffer.allocateDirect(4096);
        pattern.fill(b, 1024, "key-a");

        assertThat(pattern.matches(b, 1024, "key-a")).isTrue();
        assertThat(pattern.matches(b, 1024, "key-b")).isFalse();
        assertThat(pattern.matches(b, 1016, "key-a")).isFalse();
        for (int at = 0; at < 2048; at += 97)
        {
            b.put(1024 + at, (byte)(b.get(1024 + at) ^ 0x10));
            assertThat(pattern.matches(b, 1024, "key-a")).as("byte %d flipped", at).isFalse();
            b.put(1024 + at, (byte)(b.get(1024 + at) ^ 0x10));
        }
        assertThat(pattern.matches(b, 1024, "key-a")).isTrue();
    }

    /** The pattern as first defined, one division per word: SplitMix64 of (key hash, layer, rank, byte index). */
    private static long reference(final long pageBytes, final int layers, final int ranks, final String key,
        final long at)
    {
        final long parts = (long)layers * ranks;
        final long partBytes = pageBytes % (parts * 8) == 0 ? pageBytes / parts : pageBytes;
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++)
        {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        final long seed = mix(h);
        final long part = at / partBytes;
        return mix(seed + part / ranks % layers * 0x9E3779B97F4A7C15L + part % ranks * 0xC2B2AE3D27D4EB4FL + at);
    }

    private static long mix(final long x)
    {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
