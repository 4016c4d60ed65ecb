package dev.kvtier.model.tokens;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticTokenizerTest
{
    @Test
    void anAnswerSentBackEncodesToTheIdsItWasMadeOf()
    {
        for (final String prompt : new String[] {"Tell me a story", "ends with a space ", "x", "über größe"})
        {
            final int[] promptIds = SyntheticTokenizer.encode(prompt);
            final int[] answer = SyntheticOutput.tokens(promptIds, 200);
            final String text = prompt + SyntheticTokenizer.decode(answer, 0, answer.length) + "And then?";
            final int[] again = SyntheticTokenizer.encode(text);
            assertThat(Arrays.copyOf(again, promptIds.length + answer.length))
                .as("prompt '%s' then its answer", prompt)
                .containsExactly(IntStream.concat(Arrays.stream(promptIds), Arrays.stream(answer)).toArray());
        }
    }

    @Test
    void everyOutputWordIsOnePieceWithItsOwnId()
    {
        final int[] ids = IntStream.range(0, SyntheticTokenizer.WORDS).map(SyntheticTokenizer::wordId).toArray();
        assertThat(Arrays.stream(ids).distinct().count()).isEqualTo(SyntheticTokenizer.WORDS);
        for (final int id : ids)
        {
            final String word = SyntheticTokenizer.word(id);
            assertThat(word).matches(" [a-z]{3}");
            assertThat(SyntheticTokenizer.encode(word)).containsExactly(id);
        }
        assertThat(SyntheticTokenizer.word(SyntheticTokenizer.encode("abcd")[0])).isEmpty();
    }
}
