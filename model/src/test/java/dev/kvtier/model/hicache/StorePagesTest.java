package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StorePagesTest
{
    @Test
    void aStoreAsLargeAsAnIntCanHoldIsMadeWithoutOverflow()
    {
        // the initial arrays are capped at 2^20 slots; capacity + 1 must not wrap below them
        final StorePages store = new StorePages(Integer.MAX_VALUE);
        assertThat(store.put(7)).isTrue();
        assertThat(store.storedPrefix(new int[] {7, 8}, 0, 2)).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
    }
}
