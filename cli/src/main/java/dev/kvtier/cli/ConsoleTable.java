package dev.kvtier.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A console table whose columns are as wide as their widest cell, so no label is cut and rows stay
 * distinguishable however long a variant's name is. Text columns align left, figures right.
 */
final class ConsoleTable
{
    private final boolean[] leftAligned;
    private final String separator;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param leftAligned one flag per column: true for text (left-aligned), false for figures.
     * @param separator   what goes between two columns.
     */
    ConsoleTable(final boolean[] leftAligned, final String separator)
    {
        this.leftAligned = leftAligned.clone();
        this.separator = separator;
    }

    /** A table with the first column left-aligned and the others right-aligned, one space apart. */
    static ConsoleTable labelled(final int columns)
    {
        final boolean[] left = new boolean[columns];
        left[0] = true;
        return new ConsoleTable(left, " ");
    }

    ConsoleTable row(final String... cells)
    {
        if (cells.length != leftAligned.length)
        {
            throw new IllegalStateException("a row of " + cells.length + " cells in a table of "
                + leftAligned.length + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    /** The rows, each ending in a line separator, trailing spaces trimmed. */
    String render()
    {
        final int[] width = new int[leftAligned.length];
        for (final String[] r : rows)
        {
            for (int c = 0; c < r.length; c++)
            {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        final StringBuilder sb = new StringBuilder();
        for (final String[] r : rows)
        {
            final StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++)
            {
                if (c > 0)
                {
                    line.append(separator);
                }
                final String pad = " ".repeat(width[c] - r[c].length());
                line.append(leftAligned[c] ? r[c] + pad : pad + r[c]);
            }
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
