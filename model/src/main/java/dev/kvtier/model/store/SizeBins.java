package dev.kvtier.model.store;

/**
 * The size classes of Mooncake's offset allocator: an 8-bit float (5-bit exponent, 3-bit mantissa) over sizes in
 * allocator units, so 256 bins cover 0 .. 3.75 Gi units and each bin is at most 12.5% larger than the previous one.
 * Requests round up (every range in the bin fits them); free ranges round down (the bin never promises more than
 * the range holds).
 */
final class SizeBins
{
    /** Largest size, in units, a bin can describe (3.75 Gi): upstream's {@code SmallFloat::MAX_BIN_SIZE}. */
    static final long MAX_BIN_SIZE = 4_026_531_840L;
    private static final int MANTISSA_BITS = 3;
    private static final int MANTISSA_VALUE = 1 << MANTISSA_BITS;
    private static final int MANTISSA_MASK = MANTISSA_VALUE - 1;

    private SizeBins()
    {
    }

    /** The smallest bin whose every range holds {@code size} units. */
    static int binRoundUp(final long size)
    {
        if (size < MANTISSA_VALUE)
        {
            return (int)size;
        }
        final int mantissaStartBit = 63 - Long.numberOfLeadingZeros(size) - MANTISSA_BITS;
        // bits below the mantissa round up; a mantissa overflow carries into the exponent, as in upstream's '+'
        return binRoundDown(size) + ((size & ((1L << mantissaStartBit) - 1)) != 0 ? 1 : 0);
    }

    /** The bin a free range of {@code size} units belongs to (every range in it is at least the bin size). */
    static int binRoundDown(final long size)
    {
        if (size < MANTISSA_VALUE)
        {
            return (int)size;
        }
        final int highestSetBit = 63 - Long.numberOfLeadingZeros(size);
        final int mantissaStartBit = highestSetBit - MANTISSA_BITS;
        final int exp = mantissaStartBit + 1;
        final int mantissa = (int)((size >>> mantissaStartBit) & MANTISSA_MASK);
        return (exp << MANTISSA_BITS) | mantissa;
    }

    /** The size, in units, of bin {@code bin}. */
    static long binSize(final int bin)
    {
        final int exponent = bin >>> MANTISSA_BITS;
        final long mantissa = bin & MANTISSA_MASK;
        return exponent == 0 ? mantissa : (mantissa | MANTISSA_VALUE) << (exponent - 1);
    }
}
