package dev.kvtier.model.primitive;

/**
 * The one rule of backward-shift deletion in a linear-probing table, shared by kvtier's primitive tables (objects
 * by key, ranges by offset, callbacks by id) so none of them piles up tombstones over millions of removals: after
 * a slot is emptied, each following entry of the run moves into the gap unless its home slot lies cyclically
 * between the gap and its current slot.
 */
public final class LinearProbing
{
    private LinearProbing()
    {
    }

    /**
     * Whether the entry at slot {@code j}, whose home slot is {@code home}, must move into the empty slot
     * {@code gap} (which precedes {@code j} in the run, possibly across the table's wrap).
     */
    public static boolean movesIntoGap(final int home, final int gap, final int j)
    {
        return gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
    }
}
