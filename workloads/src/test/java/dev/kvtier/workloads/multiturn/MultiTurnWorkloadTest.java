package dev.kvtier.workloads.multiturn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiTurnWorkloadTest
{
    private static final MultiTurnConfig CONFIG = new MultiTurnConfig(4, 3, 16, 5, 1);

    @Test
    void shouldResendTheWholeHistoryWithTheAnswerAndANewQuestionEachRound()
    {
        final MultiTurnWorkload workload = new MultiTurnWorkload(CONFIG);
        final Conversation c = workload.conversation(2);
        final int[] first = c.prompt();
        assertThat(first).isEqualTo(workload.question(2, 0)).hasSize(16);

        final int[] answer = {1, 2, 3, 4, 5};
        assertThat(c.answer(answer)).isTrue();
        final int[] second = c.prompt();
        assertThat(c.round()).isEqualTo(1);
        assertThat(second).hasSize(16 + 5 + 16);
        assertThat(Arrays.copyOfRange(second, 0, 16)).isEqualTo(first);
        assertThat(Arrays.copyOfRange(second, 16, 21)).isEqualTo(answer);
        assertThat(Arrays.copyOfRange(second, 21, 37)).isEqualTo(workload.question(2, 1));

        assertThat(c.answer(new int[] {9, 9})).isTrue();
        assertThat(c.prompt()).hasSize(37 + 2 + 16).startsWith(second);
        assertThat(c.answer(new int[] {8})).isFalse();
        assertThat(c.finished()).isTrue();
        assertThatThrownBy(() -> c.answer(new int[0])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldMakeTheSameQuestionsFromTheSameSeedAndDifferentOnesOtherwise()
    {
        final MultiTurnWorkload a = new MultiTurnWorkload(CONFIG);
        final MultiTurnWorkload b = new MultiTurnWorkload(CONFIG);
        final MultiTurnWorkload other = new MultiTurnWorkload(new MultiTurnConfig(4, 3, 16, 5, 2));

        assertThat(b.question(3, 2)).isEqualTo(a.question(3, 2));
        assertThat(a.question(0, 0)).isNotEqualTo(a.question(0, 1)).isNotEqualTo(a.question(1, 0));
        assertThat(other.question(3, 2)).isNotEqualTo(a.question(3, 2));
        assertThat(IntStream.of(a.question(1, 1))).allMatch(t -> t >= 0 && t < MultiTurnWorkload.ORDINARY_TOKENS);
    }

    @Test
    void shouldDrawTheSameTicksFromTheSameSeedAtTheMeanOfTheRate()
    {
        final PoissonTicks a = new PoissonTicks(4.0, 1);
        final PoissonTicks b = new PoissonTicks(4.0, 1);
        long sum = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final long gap = a.nextGapNs();
            assertThat(b.nextGapNs()).isEqualTo(gap);
            sum += gap;
        }
        assertThat(sum / 20_000 / 1e6).isBetween(240.0, 260.0);
        assertThatThrownBy(() -> new PoissonTicks(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAnEmptyWorkload()
    {
        assertThatThrownBy(() -> new MultiTurnConfig(0, 3, 16, 5, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--num-clients");
    }
}
