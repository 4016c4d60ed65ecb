package dev.kvtier.model.tokens;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The documented, deterministic tokenizer of kvtier's serving front ends, which serve no real model. Text is cut
 * into pieces of at most four UTF-8 bytes, a new piece starting at every space (so the ratio is about that of a
 * BPE vocabulary, ~4 bytes a token, and a shared text prefix gives a shared token prefix); a piece's id is
 * {@code 256 + FNV-1a(piece) mod (VOCAB − 256)}. The {@link #WORDS} words output is made of ({@link #word}) are
 * each one piece, a space and three letters, so the text of an answer encodes back to the very ids the answer was
 * made of, whatever precedes it: a client that sends a conversation back (the answer, then its next question) gets
 * the token prefix the worker cached when it finished the answer, as a BPE model's client mostly does. The same
 * text gives the same ids in every process, which is all prefix caching needs.
 */
public final class SyntheticTokenizer
{
    /** Vocabulary size, Llama-3's, the same bound trace tokens are drawn from. */
    public static final int VOCAB = 128_256;
    /** How many distinct words output is made of. */
    public static final int WORDS = 256;
    /** Piece ids start here (ids below it are never produced). */
    private static final int PIECES = 256;
    private static final int MAX_PIECE = 4;
    private static final String[] WORD_LIST = words();
    private static final int[] WORD_IDS = wordIds();
    private static final Map<Integer, String> WORD_BY_ID = wordsById();

    private SyntheticTokenizer()
    {
    }

    /** The token ids of {@code text}. */
    public static int[] encode(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[bytes.length / 2 + 1];
        int n = 0;
        int start = 0;
        while (start < bytes.length)
        {
            int end = start + 1;
            while (end < bytes.length && end - start < MAX_PIECE && bytes[end] != ' ')
            {
                end++;
            }
            if (n == out.length)
            {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = PIECES + Math.floorMod(fnv(bytes, start, end), VOCAB - PIECES);
            start = end;
        }
        return Arrays.copyOf(out, n);
    }

    /** The token id of output word {@code index} (0 ≤ index < {@link #WORDS}). */
    public static int wordId(final int index)
    {
        return WORD_IDS[index];
    }

    /** The text of token {@code id} when it is an output word (a space and three letters), else empty. */
    public static String word(final int id)
    {
        final String w = WORD_BY_ID.get(id);
        return w == null ? "" : w;
    }

    /** The text of {@code ids} concatenated. */
    public static String decode(final int[] ids, final int from, final int to)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++)
        {
            sb.append(word(ids[i]));
        }
        return sb.toString();
    }

    private static int fnv(final byte[] bytes, final int from, final int to)
    {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++)
        {
            h ^= bytes[i] & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    private static String[] words()
    {
        final String[] consonants = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "h"};
        final String[] vowels = {"a", "e", "i", "o"};
        final String[] out = new String[WORDS];
        for (int i = 0; i < WORDS; i++)
        {
            out[i] = " " + consonants[i & 15] + vowels[(i >>> 4) & 3] + consonants[(i >>> 6) & 3 | 4];
        }
        return out;
    }

    private static int[] wordIds()
    {
        final int[] ids = new int[WORDS];
        for (int i = 0; i < WORDS; i++)
        {
            final int[] encoded = encode(WORD_LIST[i]);
            if (encoded.length != 1)
            {
                throw new IllegalStateException("output word '" + WORD_LIST[i] + "' is not one piece");
            }
            ids[i] = encoded[0];
        }
        return ids;
    }

    private static Map<Integer, String> wordsById()
    {
        final Map<Integer, String> byId = new HashMap<>();
        for (int i = 0; i < WORDS; i++)
        {
            if (byId.put(WORD_IDS[i], WORD_LIST[i]) != null)
            {
                throw new IllegalStateException("two output words share token id " + WORD_IDS[i]);
            }
        }
        return Map.copyOf(byId);
    }
}
