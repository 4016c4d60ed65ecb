package dev.kvtier.workloads.json;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A JSON file's parse error as a user reads it: the line, and Jackson's words without the source-location
 * boilerplate it embeds ({@code [Source: REDACTED …; line: 1, column: 1]} becomes {@code line 1, column 1}) or
 * its advice to enable parser features. Shared by every reader of a user's JSON file: traces, cluster configs,
 * model configs, store configs.
 */
public final class JsonProblem
{
    private JsonProblem()
    {
    }

    /** {@code at line N: what is wrong}. */
    public static String describe(final JsonProcessingException e)
    {
        final String where = e.getLocation() == null ? "" : "at line " + e.getLocation().getLineNr() + ": ";
        return where + clean(e.getOriginalMessage());
    }

    /** Jackson's message without the embedded source location and feature advice. */
    public static String clean(final String message)
    {
        if (message == null)
        {
            return "unreadable JSON";
        }
        return message.split("\n")[0]
            .replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
            .replaceAll(": enable `[^`]*` to allow", "")
            .replaceAll(" \\(for Object starting at line \\d+, column \\d+\\)", "");
    }
}
