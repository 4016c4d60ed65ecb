package dev.kvtier.model.store;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class StoreKeyTest
{
    private static String hex(final byte[] b, final int offset)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = offset; i < offset + StoreKey.DIGEST_BYTES; i++)
        {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    @Test
    void keysCompareAsTheirTextsCompare()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final byte[] digests = new byte[64 * StoreKey.DIGEST_BYTES];
        random.nextBytes(digests);
        // two digests that differ only in their last byte, and one whose first byte has its sign bit set
        digests[StoreKey.DIGEST_BYTES - 1] = 0;
        System.arraycopy(digests, 0, digests, StoreKey.DIGEST_BYTES, StoreKey.DIGEST_BYTES);
        digests[2 * StoreKey.DIGEST_BYTES - 1] = 1;
        digests[2 * StoreKey.DIGEST_BYTES] = (byte)0xF0;
        final StoreKey[] keys = new StoreKey[66];
        for (int p = 0; p < 64; p++)
        {
            keys[p] = StoreKey.ofDigest(digests, p * StoreKey.DIGEST_BYTES);
        }
        keys[64] = StoreKey.of("some-key");
        keys[65] = StoreKey.of("Zz");
        for (final StoreKey a : keys)
        {
            for (final StoreKey b : keys)
            {
                assertThat(a.compareText(b)).as(a + " vs " + b)
                    .isEqualTo(Integer.signum(a.toString().compareTo(b.toString())));
            }
        }
    }

    @Test
    void aDigestKeyIsItsHexInEveryWayTheMasterSees()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] digests = new byte[100 * StoreKey.DIGEST_BYTES];
        random.nextBytes(digests);
        for (int p = 0; p < 100; p++)
        {
            final int offset = p * StoreKey.DIGEST_BYTES;
            final String text = hex(digests, offset);
            final StoreKey fromDigest = StoreKey.ofDigest(digests, offset);
            final StoreKey fromText = StoreKey.of(text);
            assertThat(fromDigest.toString()).isEqualTo(text);
            // the hash is the string's, so the master's table orders digest keys as it ordered their strings
            assertThat(fromDigest.hashCode()).isEqualTo(text.hashCode());
            assertThat(fromText).isEqualTo(fromDigest);
            assertThat(fromText.hashCode()).isEqualTo(fromDigest.hashCode());
        }
        assertThat(StoreKey.ofDigest(digests, 0)).isNotEqualTo(StoreKey.ofDigest(digests, StoreKey.DIGEST_BYTES));
    }

    @Test
    void anyOtherStringStaysTheStringItWas()
    {
        final String upper = "00FF" + "0".repeat(60);
        final String short63 = "a".repeat(63);
        final String nonHex = "g".repeat(64);
        for (final String s : new String[] {"", "k", "offload-7-0", upper, short63, nonHex, "key-ü"})
        {
            final StoreKey k = StoreKey.of(s);
            assertThat(k.toString()).isEqualTo(s);
            assertThat(k.hashCode()).isEqualTo(s.hashCode());
            assertThat(k).isEqualTo(StoreKey.of(s));
            assertThat(k.isEmpty()).isEqualTo(s.isEmpty());
        }
        // an upper-case hex is another key than its lower-case form, as the strings are
        assertThat(StoreKey.of(upper)).isNotEqualTo(StoreKey.of(upper.toLowerCase()));
    }

    @Test
    void theTableTellsTheAllZeroDigestFromAStringOfTheSameHash()
    {
        final String zeros = "0".repeat(64);
        final String twin = "0".repeat(62) + "/O";   // 31 * '/' + 'O' = 31 * '0' + '0': the same String hash
        assertThat(twin.hashCode()).isEqualTo(zeros.hashCode());
        final StoreKey digest = StoreKey.ofDigest(new byte[StoreKey.DIGEST_BYTES], 0);
        final StoreKey text = StoreKey.of(twin);
        final ObjectTable table = new ObjectTable();
        assertThat(table.find(digest)).isEqualTo(-1);
        final int t = table.insert(text, 1, 10, 0, false, 0);
        assertThat(table.find(digest)).isEqualTo(-1);
        final int d = table.insert(digest, 1, 20, 0, false, 0);
        assertThat(table.find(text)).isEqualTo(t);
        assertThat(table.find(StoreKey.of(zeros))).isEqualTo(d);
        assertThat(table.key(d)).isEqualTo(digest);
        assertThat(table.key(t).toString()).isEqualTo(twin);
        table.remove(t);
        assertThat(table.find(digest)).isEqualTo(0);
        assertThat(table.find(text)).isEqualTo(-1);
    }
}
