package dev.kvtier.sim.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.workloads.json.JsonProblem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds a {@link ClusterConfig} from layers: the defaults, then a preset name or a JSON file, then
 * {@code path=value} overrides (how {@code --set} and compare variants change one field). Unknown keys and wrong
 * types fail with the field's dotted path.
 */
public final class ClusterLoader
{
    /** Presets shipped with kvtier, by name. */
    public static final List<String> PRESETS = List.of("mooncake-16", "mooncake-16-pd", "small-4", "h200-deepseek-4");

    private static final ObjectMapper MAPPER = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** A JSON number as {@code --set} takes it: no hex, no {@code NaN}, no Java suffixes such as {@code 5d}. */
    private static final Pattern NUMBER =
        Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private ClusterLoader()
    {
    }

    /** The merged JSON tree of defaults + preset-or-file + overrides. */
    public static ObjectNode tree(final String presetOrFile, final Map<String, String> overrides)
    {
        return tree(presetOrFile, null, overrides);
    }

    /**
     * The merged JSON tree of defaults + preset-or-file + {@code layer} (fields a recorded run's header gives, which
     * win over the preset's) + overrides.
     *
     * @param layer a partial config tree, or null
     */
    public static ObjectNode tree(final String presetOrFile, final JsonNode layer, final Map<String, String> overrides)
    {
        final ObjectNode root = resource("defaults");
        if (presetOrFile != null)
        {
            merge(root, PRESETS.contains(presetOrFile) ? resource(presetOrFile) : file(presetOrFile));
        }
        if (layer != null)
        {
            merge(root, layer);
        }
        for (final Map.Entry<String, String> e : overrides.entrySet())
        {
            set(root, e.getKey(), e.getValue());
        }
        return root;
    }

    public static ClusterConfig load(final String presetOrFile, final Map<String, String> overrides)
    {
        return bind(tree(presetOrFile, overrides));
    }

    public static ClusterConfig bind(final ObjectNode tree)
    {
        ClusterSchema.validate(tree);
        try
        {
            return MAPPER.treeToValue(tree, ClusterConfig.class);
        }
        catch (final UnrecognizedPropertyException e)
        {
            throw new IllegalArgumentException("cluster config: unknown field '" + path(e) + "'; see defaults.json "
                + "in the README's cluster section for the valid keys");
        }
        catch (final MismatchedInputException e)
        {
            final String at = path(e);
            final JsonNode given = tree.at("/" + at.replace('.', '/'));
            throw new ConfigFieldException(at, given.isMissingNode() ? null : given.toString(),
                "expected " + kindOf(e.getTargetType()) + "; see defaults.json in the README's cluster section");
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalArgumentException("cluster config: bad value at '" + path(e) + "': "
                + JsonProblem.clean(e.getOriginalMessage()));
        }
    }

    /** A field's Java type in a user's words. */
    private static String kindOf(final Class<?> type)
    {
        if (type == null)
        {
            return "another kind of value";
        }
        if (type == String.class || type.isEnum())
        {
            return "a string";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class)
        {
            return "a whole number";
        }
        if (type == double.class || type == Double.class)
        {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class)
        {
            return "true or false";
        }
        return "a section ({...})";
    }

    /** Applies one {@code dotted.path=value}; the path must exist in the defaults. */
    public static void set(final ObjectNode root, final String path, final String value)
    {
        final String[] parts = path.split("\\.", -1);
        if (Arrays.stream(parts).anyMatch(String::isEmpty))
        {
            throw new IllegalArgumentException("--set " + path + ": expected a dotted path of config keys, e.g. "
                + "router.policy=round_robin");
        }
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++)
        {
            final JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode o))
            {
                throw new ConfigFieldException(path, null, "no section '" + parts[i] + "'; "
                    + ClusterSchema.suggestion(path));
            }
            node = o;
        }
        final String leaf = parts[parts.length - 1];
        final JsonNode old = node.get(leaf);
        if (old == null)
        {
            throw new ConfigFieldException(path, null, "unknown field '" + leaf + "'; "
                + ClusterSchema.suggestion(path));
        }
        if (old.isObject())
        {
            throw new ConfigFieldException(path, value, "is a section; set one of its fields, e.g. " + path + "."
                + ClusterSchema.firstFieldOf(path) + "=...");
        }
        try
        {
            if (old.isNumber())
            {
                if (!NUMBER.matcher(value.trim()).matches())
                {
                    throw new NumberFormatException();
                }
                final double number = Double.parseDouble(value);
                node.put(leaf, number);
                // an integral field keeps integral values as longs, while a long holds them exactly (1e300 would
                // become Long.MAX_VALUE and be reported as that)
                if (old.isIntegralNumber() && Math.rint(number) == number && Math.abs(number) < 1e15)
                {
                    node.put(leaf, (long)number);
                }
            }
            else if (old.isBoolean())
            {
                if (!value.equals("true") && !value.equals("false"))
                {
                    throw new NumberFormatException();
                }
                node.put(leaf, Boolean.parseBoolean(value));
            }
            else
            {
                node.put(leaf, value);
            }
        }
        catch (final NumberFormatException e)
        {
            throw new ConfigFieldException(path, value, "expected a "
                + (old.isBoolean() ? "boolean (true/false)" : "number (e.g. 64, 0.5, 1e3)"));
        }
    }

    private static void merge(final ObjectNode into, final JsonNode from)
    {
        final Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext())
        {
            final Map.Entry<String, JsonNode> e = it.next();
            final JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue().isObject())
            {
                merge(o, e.getValue());
            }
            else
            {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    private static ObjectNode resource(final String name)
    {
        try (InputStream in = ClusterLoader.class.getResourceAsStream(name + ".json"))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing cluster resource " + name);
            }
            return (ObjectNode)MAPPER.readTree(in);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode file(final String name)
    {
        final Path p = Path.of(name);
        if (!Files.isRegularFile(p))
        {
            throw new IllegalArgumentException("--cluster " + name + ": neither a preset " + PRESETS
                + " nor a readable JSON file");
        }
        try
        {
            final JsonNode n = MAPPER.readTree(p.toFile());
            if (n == null || !n.isObject())
            {
                throw new IllegalArgumentException("--cluster " + name + ": the file must hold one JSON object");
            }
            return n;
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalArgumentException("--cluster " + name + ": malformed JSON " + JsonProblem.describe(e)
                + "; the file must hold one JSON object");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static String path(final JsonProcessingException e)
    {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m)
        {
            final StringBuilder sb = new StringBuilder();
            for (final com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath())
            {
                if (r.getFieldName() != null)
                {
                    sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
                }
            }
            return sb.toString();
        }
        return "?";
    }

    /** Pretty JSON of a config, for reports. */
    public static JsonNode toTree(final ClusterConfig config)
    {
        return MAPPER.valueToTree(config);
    }
}
