package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start, command by command as written (run in-process; its relative paths resolved from the
 * repository root for inputs and from a temporary directory for outputs), and what each prints checked against
 * what the README says: the hit-ratio table to four digits, the serving tables' figures (prefetch and eviction
 * policies), the HiCache write-policy table, the whole-trace serving figures. Commands on the published
 * conversation trace are skipped where it is absent.
 */
class ReadmeCommandsTest
{
    private static final Path ROOT = Path.of("..");
    private static final Set<String> PATH_OPTIONS = Set.of("--trace", "--out", "--trace-dir");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quickStartCommandsShouldPrintWhatTheReadmeSays(@TempDir final Path work) throws Exception
    {
        final String readme = Files.readString(ROOT.resolve("README.md"));
        final List<List<String>> commands = commands(block(readme, "## Quick start"));
        assertThat(commands).hasSizeGreaterThanOrEqualTo(8);
        int ran = 0;
        for (final List<String> command : commands)
        {
            final List<String> args = new ArrayList<>();
            boolean missingInput = false;
            for (int i = 1; i < command.size(); i++)
            {
                String a = command.get(i);
                if (i > 1 && PATH_OPTIONS.contains(command.get(i - 1)))
                {
                    final Path p = a.startsWith("../") ? ROOT.resolve(a) : work.resolve(a);
                    missingInput |= a.startsWith("../") && !Files.exists(p);
                    a = p.toString();
                }
                args.add(a);
            }
            if (missingInput)
            {
                continue;
            }
            final CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(String.join(" ", command) + "\n" + run.err()).isZero();
            check(String.join(" ", command), run, readme, work);
            ran++;
        }
        assertThat(ran).isGreaterThanOrEqualTo(3);
    }

    private static void check(final String command, final CliRun run, final String readme, final Path work)
        throws Exception
    {
        if (command.contains("--mode hits") && command.contains("conversation_trace"))
        {
            final Map<String, String> table = hitTable(readme);
            assertThat(table).hasSize(24);
            final JsonNode report = JSON.readTree(run.out());
            for (final JsonNode r : report.get("results"))
            {
                final String key = r.get("capacity_blocks").asInt() + "/" + r.get("eviction").asText();
                // the JSON holds 6 decimals, the table 4 of the unrounded ratio: equal to half a unit of the 4th
                assertThat(r.at("/hit_ratio/tokens").asDouble()).as(key)
                    .isCloseTo(Double.parseDouble(table.get(key)), org.assertj.core.data.Offset.offset(0.00005 + 1e-9));
            }
            assertThat(readme).contains(String.format(Locale.ROOT, "Ideal (unbounded) %.4f",
                report.at("/ideal_hit_ratio/tokens").asDouble()));
        }
        else if (command.startsWith("./kvtier compare") && command.contains("serving.eviction_policy="))
        {
            for (final String[] row : table(readme, "| eviction policy |", 3))
            {
                final String line = run.out().lines().filter(l -> l.startsWith("eviction_policy=" + row[0] + " "))
                    .findFirst().orElseThrow();
                final String[] f = line.trim().split("\\s+");
                assertThat(String.format(Locale.ROOT, "%,d ms", Long.parseLong(f[1]))).as(line).isEqualTo(row[1]);
                assertThat(f[5]).as(line).isEqualTo(row[2]);
                assertThat(f[6]).as(line).isEqualTo(row[3]);
                assertThat(f[7]).as(line).isEqualTo(row[4]);
            }
        }
        else if (command.startsWith("./kvtier compare") && command.contains("conversation_trace"))
        {
            for (final String[] row : servingTable(readme))
            {
                final String line = run.out().lines().filter(l -> l.startsWith("prefetch_policy=" + row[0] + " "))
                    .findFirst().orElseThrow();
                final String[] f = line.trim().split("\\s+");
                assertThat(String.format(Locale.ROOT, "%,d ms", Long.parseLong(f[1]))).as(line).isEqualTo(row[1]);
                assertThat(String.format(Locale.ROOT, "%.1f s", Long.parseLong(f[2]) / 1000.0)).as(line)
                    .isEqualTo(row[2]);
                assertThat(f[5]).as(line).isEqualTo(row[3]);
                assertThat(f[8]).as(line).isEqualTo(row[4]);
                assertThat(String.format(Locale.ROOT, "%,d", Long.parseLong(f[9]))).as(line).isEqualTo(row[5]);
                assertThat(String.format(Locale.ROOT, "%,d", Long.parseLong(f[10]))).as(line).isEqualTo(row[6]);
            }
        }
        else if (command.contains("--cluster mooncake-16 --json"))
        {
            final JsonNode r = JSON.readTree(run.out());
            final String text = readme.replaceAll("\\s+", " ");
            assertThat(text).contains(String.format(Locale.ROOT, "TTFT p50 %.2f s, p99 %.1f s",
                r.at("/ttft_ms/p50").asDouble() / 1000, r.at("/ttft_ms/p99").asDouble() / 1000));
            assertThat(text).contains(String.format(Locale.ROOT, "cached prompt tokens %.1f%% (device %.1f%%, "
                    + "host %.1f%%, storage %.1f%%)", 100 * r.at("/hits/total_ratio").asDouble(),
                100 * r.at("/hits/device_ratio").asDouble(), 100 * r.at("/hits/host_ratio").asDouble(),
                100 * r.at("/hits/storage_ratio").asDouble()));
        }
        else if (command.contains("--mode hicache") && command.contains("conversation_trace"))
        {
            checkHiCacheTable(JSON.readTree(work.resolve("hicache").resolve("report.json").toFile()), readme);
        }
        else if (command.contains("--trace chat.jsonl"))
        {
            final Matcher m = Pattern.compile("\\(([\\d,]+) unique blocks\\)").matcher(readme);
            assertThat(m.find()).isTrue();
            assertThat(run.out()).contains(m.group(1) + " unique blocks");
            assertThat(run.err()).doesNotContain("warning");
        }
    }

    /**
     * The README's HiCache write-policy table against the quick start's hicache sweep, which holds its L1/L2 pairs
     * with no L3: ratios to four digits, counts exactly, the duplicate ratio to three.
     */
    private static void checkHiCacheTable(final JsonNode report, final String readme)
    {
        final String section = readme.substring(readme.indexOf("## HiCache write policies on the conversation trace"));
        assertThat(section.replaceAll("\\s+", " ")).contains(String.format(Locale.ROOT, "(ideal %.4f)",
            report.at("/variants/0/hits/ideal_ratio").asDouble()));
        final List<String> rows = section.lines().skip(1).dropWhile(l -> !l.startsWith("|")).skip(2)
            .takeWhile(l -> l.startsWith("|")).toList();
        assertThat(rows).hasSize(8);
        for (final String row : rows)
        {
            final String[] c = cells(row.replace("**", ""));
            final String[] pair = c[0].replace(",", "").split(" / ");
            final JsonNode v = variant(report, c[1], Integer.parseInt(pair[0]), Integer.parseInt(pair[1]));
            final org.assertj.core.data.Offset<Double> half = org.assertj.core.data.Offset.offset(0.00005 + 1e-9);
            assertThat(v.at("/hits/l1_ratio").asDouble()).as(row).isCloseTo(Double.parseDouble(c[2]), half);
            assertThat(v.at("/hits/l1_l2_ratio").asDouble()).as(row).isCloseTo(Double.parseDouble(c[3]), half);
            assertThat(v.at("/token_hits/l1_l2_ratio").asDouble()).as(row).isCloseTo(Double.parseDouble(c[4]), half);
            assertThat(String.format(Locale.ROOT, "%,d", v.at("/evictions/l1").asLong())).as(row).isEqualTo(c[5]);
            assertThat(String.format(Locale.ROOT, "%,d", v.at("/evictions/l2").asLong())).as(row).isEqualTo(c[6]);
            assertThat(String.format(Locale.ROOT, "%,d", v.at("/demotions").asLong())).as(row).isEqualTo(c[7]);
            assertThat(String.format(Locale.ROOT, "%,d", v.at("/failed_l2_allocations").asLong())).as(row)
                .isEqualTo(c[8]);
            assertThat(String.format(Locale.ROOT, "%.3f", v.at("/residency/duplicate_ratio").asDouble())).as(row)
                .isEqualTo(c[9]);
        }
    }

    private static JsonNode variant(final JsonNode report, final String policy, final int l1, final int l2)
    {
        for (final JsonNode v : report.get("variants"))
        {
            if (v.get("policy").asText().equals(policy) && v.get("l1_pages").asInt() == l1
                && v.get("l2_pages").asInt() == l2 && v.get("l3_pages").asInt() == 0)
            {
                return v;
            }
        }
        throw new AssertionError("no variant " + policy + " " + l1 + "/" + l2 + " with no L3 in the report");
    }

    /** The first fenced block after {@code heading}. */
    static String block(final String readme, final String heading)
    {
        final int at = readme.indexOf(heading);
        final int start = readme.indexOf("```bash\n", at) + "```bash\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** The {@code ./kvtier} commands of a shell block: continuation lines joined, comments dropped. */
    static List<List<String>> commands(final String block)
    {
        final List<List<String>> out = new ArrayList<>();
        for (final String line : block.replace("\\\n", " ").split("\n"))
        {
            final String code = line.replaceAll("\\s+#.*$", "").trim();
            if (code.startsWith("./kvtier "))
            {
                out.add(List.of(code.split("\\s+")));
            }
        }
        return out;
    }

    /** "capacity/policy" → the README's hit-ratio cell. */
    private static Map<String, String> hitTable(final String readme)
    {
        final String section = readme.substring(readme.indexOf("## Results on the conversation trace"));
        final List<String> lines = section.lines().filter(l -> l.startsWith("|")).toList();
        final String[] policies = cells(lines.get(0));
        final Map<String, String> out = new LinkedHashMap<>();
        for (final String line : lines.subList(2, lines.size()))
        {
            final String[] c = cells(line);
            if (!c[0].matches("[\\d,]+"))
            {
                break;
            }
            for (int i = 1; i < c.length; i++)
            {
                out.put(c[0].replace(",", "") + "/" + policies[i], c[i]);
            }
        }
        return out;
    }

    /** The serving table's rows: policy, TTFT p50, TTFT p99, hit, storage, completed, cut short. */
    private static List<String[]> servingTable(final String readme)
    {
        return table(readme, "| prefetch policy |", 3);
    }

    /** The rows of the table whose header starts with {@code header}, the first cell cut at its first space. */
    private static List<String[]> table(final String readme, final String header, final int rows)
    {
        final String section = readme.substring(readme.indexOf(header));
        final List<String[]> out = new ArrayList<>();
        for (final String line : section.lines().skip(2).takeWhile(l -> l.startsWith("|")).toList())
        {
            final String[] c = cells(line);
            c[0] = c[0].split(" ")[0];
            out.add(c);
        }
        assertThat(out).hasSize(rows);
        return out;
    }

    private static String[] cells(final String row)
    {
        final String[] raw = row.substring(1, row.length() - 1).split("\\|");
        for (int i = 0; i < raw.length; i++)
        {
            raw[i] = raw[i].trim();
        }
        return raw;
    }
}
