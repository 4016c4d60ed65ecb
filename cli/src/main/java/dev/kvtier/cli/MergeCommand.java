package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kvtier merge}: the partial reports of {@code compare --shard I/N} (one per task of a batch engine's array
 * job) put back together into the report the unsharded {@code compare --json} prints, byte for byte. Every shard
 * must be there once, all from the same sweep.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Merge the partial reports of 'compare --shard I/N' into the whole compare report (JSON).",
        "Example: kvtier merge part-0.json part-1.json part-2.json > report.json"})
public final class MergeCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** More shards or variants than a part may claim: one sweep's are far fewer, and each takes a slot here. */
    private static final int MAX_PARTS = 1_000_000;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PART", description = "Partial reports, one per shard, in any order.")
    private List<Path> parts;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    private Path out;

    @Override
    public Integer call() throws Exception
    {
        OutputFile.checkFile(out, "--out");
        int shards = -1;
        int total = -1;
        String sweep = null;
        Path[] shardFile = null;
        JsonNode[] reports = null;
        for (final Path part : parts)
        {
            final JsonNode root = read(part);
            if (!"compare-shard".equals(root.path("mode").asText()))
            {
                throw new BadInputException(part + ": not a partial report (mode is '" + root.path("mode").asText()
                    + "'); make the parts with 'kvtier compare --shard I/N'");
            }
            requireShardFields(part, root);
            final int n = root.path("shards").asInt(-1);
            final int index = root.path("shard").asInt(-1);
            final int variants = root.path("variants_total").asInt(-1);
            if (sweep == null)
            {
                sweep = root.path("sweep").asText();
            }
            else if (!sweep.equals(root.path("sweep").asText()))
            {
                throw new BadInputException(part + ": a part of another sweep than " + parts.get(0) + " (other "
                    + "trace, seed, options, variants or cluster); merge the parts of one sweep, run with the same "
                    + "options");
            }
            if (n < 1 || index < 0 || index >= n || variants < 0 || n > MAX_PARTS || variants > MAX_PARTS)
            {
                throw new BadInputException(part + ": shard " + index + "/" + n + " of " + variants + " variants is "
                    + "not a shard of a sweep (0 <= I < N); the file was changed, give the files 'kvtier compare "
                    + "--shard I/N' printed");
            }
            if (shards < 0)
            {
                shards = n;
                total = variants;
                shardFile = new Path[Math.max(n, 0)];
                reports = new JsonNode[Math.max(variants, 0)];
            }
            if (n != shards || variants != total)
            {
                throw new BadInputException(part + ": shard " + index + "/" + n + " of " + variants
                    + " variants does not belong with " + parts.get(0) + " (" + shards + " shards, " + total
                    + " variants); merge the parts of one sweep");
            }
            if (shardFile[index] != null)
            {
                throw new BadInputException(part + ": shard " + index + "/" + n + " is also " + shardFile[index]
                    + "; give each shard once");
            }
            shardFile[index] = part;
            for (final JsonNode v : root.path("variants"))
            {
                final int at = v.path("index").asInt(-1);
                if (at < 0 || at >= total || at % n != index || reports[at] != null)
                {
                    throw new BadInputException(part + ": variant index " + at + " does not belong to shard "
                        + index + "/" + n + "; the file was changed or is from another sweep");
                }
                reports[at] = v.path("report");
            }
        }
        for (int i = 0; i < shards; i++)
        {
            if (shardFile[i] == null)
            {
                throw new BadInputException("shard " + i + "/" + shards + " is missing; run 'kvtier compare --shard "
                    + i + "/" + shards + " …' with the same options and give its output too");
            }
        }
        for (int i = 0; i < total; i++)
        {
            if (reports[i] == null)
            {
                throw new BadInputException(shardFile[i % shards] + ": variant " + i + " is missing");
            }
        }
        final String merged = ServingVariants.compareJsonOfTrees(List.of(reports));
        if (out == null)
        {
            final PrintWriter w = spec.commandLine().getOut();
            w.print(merged);
            w.flush();
        }
        else
        {
            OutputFile.write(out, merged.getBytes(StandardCharsets.UTF_8), "--out");
        }
        return 0;
    }

    /** Refuses a part whose shard numbers or sweep id are missing or of the wrong type. */
    private static void requireShardFields(final Path part, final JsonNode root)
    {
        for (final String key : new String[] {"shard", "shards", "variants_total"})
        {
            if (!root.path(key).canConvertToInt() || !root.path(key).isIntegralNumber())
            {
                throw new BadInputException(part + ": '" + key + "' is missing or not a whole number; the file "
                    + "was changed, give the files 'kvtier compare --shard I/N' printed");
            }
        }
        if (!root.path("sweep").isTextual())
        {
            throw new BadInputException(part + ": no 'sweep' id (a part of an older kvtier, or a changed file); "
                + "run its shard again");
        }
    }

    private static JsonNode read(final Path part)
    {
        InputFile.require(part, "PART", "give the files 'kvtier compare --shard I/N' printed");
        try
        {
            return JSON.readTree(part.toFile());
        }
        catch (final IOException e)
        {
            throw new BadInputException(part + ": not JSON (" + e.getMessage().lines().findFirst().orElse("")
                + "); give the files 'kvtier compare --shard I/N' printed");
        }
    }
}
