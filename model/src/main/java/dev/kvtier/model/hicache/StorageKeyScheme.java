package dev.kvtier.model.hicache;

import java.util.List;

/**
 * How SGLang's Mooncake backend names a page's objects in L3 (baseline schema): an MHA model stores K and V per
 * tensor-parallel rank, {@code {hash}_{tp_rank}_k} and {@code {hash}_{tp_rank}_v}; an MLA model stores one latent
 * object per page, {@code {hash}_k}, written by rank 0 and read by every rank. Instances with different schemas do
 * not share L3 entries, which is why the schema is explicit here.
 */
public record StorageKeyScheme(boolean mla, int tpRank, int tpSize)
{
    public StorageKeyScheme
    {
        if (tpSize < 1 || tpRank < 0 || tpRank >= tpSize)
        {
            throw new IllegalArgumentException("tp_rank must be in [0, tp_size), got " + tpRank + " of " + tpSize);
        }
    }

    /** The objects of one page, K before V. */
    public List<String> keys(final String pageHash)
    {
        return mla ? List.of(pageHash + "_k") : List.of(pageHash + "_" + tpRank + "_k", pageHash + "_" + tpRank + "_v");
    }

    /** Objects per page: 2 for MHA, 1 for MLA. */
    public int objectsPerPage()
    {
        return mla ? 1 : 2;
    }

    /** Whether this rank writes pages to L3 (every MHA rank; only rank 0 under MLA). */
    public boolean writes()
    {
        return !mla || tpRank == 0;
    }

    /**
     * Consecutive pages present, from per-object existence flags in {@link #keys} order: the backend's
     * {@code batch_exists} (MHA: first missing object index / 2).
     */
    public int leadingPagesPresent(final int[] exists)
    {
        int i = 0;
        while (i < exists.length && exists[i] == 1)
        {
            i++;
        }
        return i / objectsPerPage();
    }
}
