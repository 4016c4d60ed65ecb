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
 * what the README says: the hit-ratio table to four digits, the serving table's figures, the whole-trace serving
 * figures. Commands on the published conversation trace are skipped where it is absent.
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
            check(String.join(" ", command), run, readme);
            ran++;
        }
        assertThat(ran).isGreaterThanOrEqualTo(3);
    }

    private static void check(final String command, final CliRun run, final String readme) throws Exception
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
        else if (command.contains("--trace chat.jsonl"))
        {
            final Matcher m = Pattern.compile("\\(([\\d,]+) unique blocks\\)").matcher(readme);
            assertThat(m.find()).isTrue();
            assertThat(run.out()).contains(m.group(1) + " unique blocks");
            assertThat(run.err()).doesNotContain("warning");
        }
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
        final String section = readme.substring(readme.indexOf("| prefetch policy |"));
        final List<String[]> out = new ArrayList<>();
        for (final String line : section.lines().skip(2).takeWhile(l -> l.startsWith("|")).toList())
        {
            final String[] c = cells(line);
            c[0] = c[0].split(" ")[0];
            out.add(c);
        }
        assertThat(out).hasSize(3);
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
