package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockTokensTest
{
    @Test
    void shouldCutAPartialBlockToItsWholePages()
    {
        assertThat(BlockTokens.wholePages(512, 64)).isEqualTo(8);
        assertThat(BlockTokens.wholePages(200, 64)).isEqualTo(3);
        assertThat(BlockTokens.wholePages(63, 64)).isZero();
        assertThat(BlockTokens.wholePages(512, 1)).isEqualTo(512);
    }

    @Test
    void shouldMakeAPromptOfItsBlocksTokensWithTheLastBlockCut()
    {
        final int[] prompt = BlockTokens.prompt(new long[] {7, 9, 11}, 1200);

        assertThat(prompt).hasSize(1200);
        assertThat(Arrays.copyOfRange(prompt, 0, 512)).isEqualTo(BlockTokens.of(7, 512));
        assertThat(Arrays.copyOfRange(prompt, 512, 1024)).isEqualTo(BlockTokens.of(9, 512));
        assertThat(Arrays.copyOfRange(prompt, 1024, 1200)).isEqualTo(BlockTokens.of(11, 176));
    }

    @Test
    void shouldFillAReusedBufferWithExactlyTheTokensOfMakes()
    {
        final int[] buffer = new int[BlockTokens.BLOCK_TOKENS];
        BlockTokens.fill(5, buffer, 512);
        assertThat(buffer).isEqualTo(BlockTokens.of(5, 512));
        BlockTokens.fill(6, buffer, 128);
        assertThat(Arrays.copyOf(buffer, 128)).isEqualTo(BlockTokens.of(6, 128));
        final int[] untouched = Arrays.copyOfRange(BlockTokens.of(5, 512), 128, 512);
        assertThat(Arrays.copyOfRange(buffer, 128, 512)).isEqualTo(untouched);
    }

    @Test
    void shouldRefuseBlocksThatDoNotFitTheLength()
    {
        assertThatThrownBy(() -> BlockTokens.prompt(new long[] {1, 2}, 512))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BlockTokens.prompt(new long[] {1}, 513))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
