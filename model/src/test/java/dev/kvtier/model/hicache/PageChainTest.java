package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageChainTest
{
    @Test
    void shouldMakeEachKeyFromItsPagesDigestByPageIdAndKeepThatInPrefixes()
    {
        final byte[] digests = new byte[3 * PageHasher.DIGEST_BYTES];
        for (int i = 0; i < digests.length; i++)
        {
            digests[i] = (byte)(i * 7);
        }
        final PageChain chain = PageChain.ofDigests(new int[] {2, 0}, digests);
        assertThat(chain.key(0)).isEqualTo(PageHasher.hex(digests, 2 * PageHasher.DIGEST_BYTES,
            PageHasher.DIGEST_BYTES)).hasSize(64);
        assertThat(chain.key(1)).isEqualTo(PageHasher.hex(digests, 0, PageHasher.DIGEST_BYTES));
        assertThat(chain.prefix(1).key(0)).isEqualTo(chain.key(0));
        assertThat(chain.prefix(1).ids()).containsExactly(2);
    }

    @Test
    void shouldRefuseAPageWithoutADigest()
    {
        assertThatThrownBy(() -> PageChain.ofDigests(new int[] {0, 1}, new byte[PageHasher.DIGEST_BYTES]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page 1 has no digest among 1");
    }
}
