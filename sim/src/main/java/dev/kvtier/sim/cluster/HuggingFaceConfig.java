package dev.kvtier.sim.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.workloads.json.JsonProblem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link ModelSpec} from a Hugging Face {@code config.json}: the file reading that the model module may not do,
 * kept next to the cluster config that names the model.
 */
public final class HuggingFaceConfig
{
    private HuggingFaceConfig()
    {
    }

    /** Reads a Hugging Face {@code config.json} (or the directory holding one). */
    public static ModelSpec read(final Path path) throws IOException
    {
        final Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file))
        {
            throw new IllegalArgumentException("--model-path: no config.json at " + file);
        }
        final JsonNode c;
        try
        {
            c = new ObjectMapper().readTree(file.toFile());
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalArgumentException("--model-path " + file + ": not JSON " + JsonProblem.describe(e)
                + "; give a Hugging Face config.json");
        }
        if (c == null || !c.isObject())
        {
            throw new IllegalArgumentException("--model-path " + file + ": expected a JSON object (a Hugging Face "
                + "config.json)");
        }
        final int hidden = required(c, "hidden_size", file);
        final int heads = required(c, "num_attention_heads", file);
        final int layers = required(c, "num_hidden_layers", file);
        for (final String optional : OPTIONAL_COUNTS)
        {
            final JsonNode v = c.get(optional);
            if (v != null && !v.isNull() && (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0))
            {
                throw new IllegalArgumentException(file + ": field '" + optional + "' is " + v
                    + "; it must be a whole number >= 0 (or left out)");
            }
        }
        final int kvHeads = positive(c, "num_key_value_heads", heads, file);
        final int headDim = positive(c, "head_dim", hidden / heads, file);
        final String dtype = c.path("torch_dtype").asText("bfloat16");
        final int dtypeBytes = dtype.contains("float32") ? 4 : dtype.contains("float8") ? 1 : 2;
        final int experts = c.path("n_routed_experts").asInt(c.path("num_experts").asInt(0));
        final int moeLayersStart = experts > 0 ? c.path("first_k_dense_replace").asInt(0) : layers;
        final String name = file.getParent() == null ? "custom" : file.getParent().getFileName().toString();
        return new ModelSpec(name, layers, hidden, heads, kvHeads, headDim,
            c.path("intermediate_size").asInt(4 * hidden), c.path("vocab_size").asInt(32000), dtypeBytes,
            c.path("kv_lora_rank").asInt(0), c.path("qk_rope_head_dim").asInt(0),
            c.path("qk_nope_head_dim").asInt(0), c.path("v_head_dim").asInt(0), experts,
            c.path("num_experts_per_tok").asInt(0), c.path("n_shared_experts").asInt(0),
            c.path("moe_intermediate_size").asInt(0), moeLayersStart,
            c.path("tie_word_embeddings").asBoolean(false), c.has("quantization_config") ? 1 : dtypeBytes,
            c.path("q_lora_rank").asInt(0));
    }

    /** The count fields read when present, each a whole number >= 0. */
    private static final List<String> OPTIONAL_COUNTS = List.of("num_key_value_heads",
        "head_dim", "intermediate_size", "vocab_size", "n_routed_experts", "num_experts", "first_k_dense_replace",
        "kv_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim", "num_experts_per_tok",
        "n_shared_experts", "moe_intermediate_size", "q_lora_rank");

    /** An optional field that sizes the KV cache: its value when present (then at least 1), else the fallback. */
    private static int positive(final JsonNode c, final String field, final int fallback, final Path file)
    {
        final JsonNode v = c.get(field);
        if (v == null || v.isNull())
        {
            if (fallback < 1)
            {
                throw new IllegalArgumentException(file + ": field '" + field + "' is missing and its default comes "
                    + "to " + fallback + "; give it (a whole number >= 1)");
            }
            return fallback;
        }
        if (v.asInt() < 1)
        {
            throw new IllegalArgumentException(file + ": field '" + field + "' is " + v + "; it must be >= 1 (or "
                + "left out)");
        }
        return v.asInt();
    }

    private static int required(final JsonNode c, final String field, final Path file)
    {
        final JsonNode v = c.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0)
        {
            throw new IllegalArgumentException(file + ": field '" + field + "' is missing or not a positive integer");
        }
        return v.asInt();
    }
}
