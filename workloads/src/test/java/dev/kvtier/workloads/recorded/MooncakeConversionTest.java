package dev.kvtier.workloads.recorded;

import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class MooncakeConversionTest
{
    @Test
    void anImportedRecordExportsUnchanged()
    {
        final TraceRecord r = new TraceRecord(1234, 1025, 50, new long[] {7, 8, 99});
        final TraceArrival a = MooncakeConversion.arrival(3, r);
        assertThat(a.timeNs()).isEqualTo(1_234_000_000L);
        assertThat(a.chainTokens()).isEqualTo(512);
        assertThat(new MooncakeConversion().record(a)).isEqualTo(r);
    }

    @Test
    void pageKeysBecomeDenseBlockIdsThatKeepPrefixSharing()
    {
        final String[] keys = new String[20];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = "k" + i;
        }
        final MooncakeConversion export = new MooncakeConversion();
        final TraceArrival longer = new TraceArrival(0, 0, 20 * 64 + 10, 1, 64, null, keys, -1, -1);
        final TraceArrival shorter = new TraceArrival(1, 5_000_000, 8 * 64, 1, 64, null,
            java.util.Arrays.copyOf(keys, 8), -1, -1);
        final TraceRecord a = export.record(longer);
        final TraceRecord b = export.record(shorter);
        assertThat(a.hashIds()).containsExactly(0, 1, 2);
        assertThat(b.hashIds()).containsExactly(0);
        assertThat(b.timestampMs()).isEqualTo(5);
    }

    @Test
    void aPageSizeThatDoesNotDivideTheBlockIsRefused()
    {
        final TraceArrival a = new TraceArrival(0, 0, 300, 1, 100, null, new String[] {"a", "b", "c"}, -1, -1);
        assertThatThrownBy(() -> new MooncakeConversion().record(a)).hasMessageContaining("does not divide");
    }
}
