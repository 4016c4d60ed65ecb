package dev.kvtier.model.cache;

import dev.kvtier.model.primitive.LinkedBlockLists;

import java.util.Arrays;

/**
 * S3-FIFO (Yang et al., SOSP'23): a small FIFO (10% of capacity) filters blocks seen once, a main FIFO with
 * 2-bit reinsertion keeps blocks that were reused, and a ghost FIFO of evicted ids (as many entries as the main
 * queue) readmits a returning block straight into main. Prefix traces are dominated by blocks referenced exactly
 * once, which is the case this policy was built for.
 */
public final class S3FifoCache extends AbstractBlockCache
{
    private static final int SMALL = 0;
    private static final int MAIN = 1;
    private static final int MAX_FREQ = 3;

    private final LinkedBlockLists lists;
    private final byte[] freq;
    private final int smallCapacity;
    private final int[] ghostRing;
    private final long[] ghostStamp;
    private long ghostInserted;

    public S3FifoCache(final int capacity, final int idSpace)
    {
        super(capacity);
        this.smallCapacity = Math.max(1, capacity / 10);
        this.lists = new LinkedBlockLists(idSpace, 2);
        this.freq = new byte[idSpace];
        this.ghostRing = new int[Math.max(1, capacity - smallCapacity)];
        this.ghostStamp = new long[idSpace];
        Arrays.fill(ghostStamp, -1);
    }

    @Override
    public boolean contains(final int block)
    {
        return lists.linked(block);
    }

    @Override
    public void access(final int block, final int depth, final int tokens, final int nextUse)
    {
        if (lists.linked(block))
        {
            if (freq[block] < MAX_FREQ)
            {
                freq[block]++;
            }
            return;
        }
        if (capacity == 0)
        {
            return;
        }
        while (size() >= capacity)
        {
            evict();
        }
        freq[block] = 0;
        if (inGhost(block))
        {
            ghostStamp[block] = -1;
            lists.pushHead(MAIN, block);
        }
        else
        {
            lists.pushHead(SMALL, block);
        }
    }

    private void evict()
    {
        if (lists.size(SMALL) >= smallCapacity || lists.size(MAIN) == 0)
        {
            evictSmall();
        }
        else
        {
            evictMain();
        }
    }

    private void evictSmall()
    {
        while (lists.size(SMALL) > 0)
        {
            final int t = lists.tail(SMALL);
            lists.unlink(SMALL, t);
            if (freq[t] > 0)
            {
                freq[t] = 0;
                lists.pushHead(MAIN, t);
                if (lists.size(MAIN) > capacity - smallCapacity)
                {
                    evictMain();
                }
            }
            else
            {
                addGhost(t);
                evictions++;
                return;
            }
        }
    }

    private void evictMain()
    {
        while (lists.size(MAIN) > 0)
        {
            final int t = lists.tail(MAIN);
            if (freq[t] > 0)
            {
                freq[t]--;
                lists.moveToHead(MAIN, t);
            }
            else
            {
                lists.unlink(MAIN, t);
                evictions++;
                return;
            }
        }
    }

    private boolean inGhost(final int block)
    {
        final long stamp = ghostStamp[block];
        return stamp >= 0 && ghostInserted - stamp <= ghostRing.length
            && ghostRing[(int)(stamp % ghostRing.length)] == block;
    }

    private void addGhost(final int block)
    {
        ghostRing[(int)(ghostInserted % ghostRing.length)] = block;
        ghostStamp[block] = ghostInserted++;
    }

    @Override
    public int size()
    {
        return lists.size(SMALL) + lists.size(MAIN);
    }
}
