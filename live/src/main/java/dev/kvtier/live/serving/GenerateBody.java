package dev.kvtier.live.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.model.tokens.SyntheticTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A generation request as the worker's API takes it, from {@code /generate}'s JSON or an OpenAI-style body:
 * the prompt as token ids (given as {@code input_ids}, or {@code text} through {@link SyntheticTokenizer}), and the
 * sampling parameters that change what is produced. {@code temperature} and the other sampling knobs are accepted
 * and change nothing, since the synthetic model's output is a function of the prompt.
 *
 * @param maxNewTokens {@code max_new_tokens} (128 by default, as SGLang)
 * @param stops        {@code stop} strings; the output ends with the first one it contains
 */
public record GenerateBody(String rid, int[] prompt, int maxNewTokens, List<String> stops, boolean stream)
{
    static final int DEFAULT_MAX_NEW_TOKENS = 128;
    /** OpenAI's default {@code max_tokens} for completions. */
    static final int DEFAULT_MAX_TOKENS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses the body of a generation endpoint: {@code /generate}, {@code /v1/completions} ({@code prompt} as text
     * or ids, {@code max_tokens}) or {@code /v1/chat/completions} ({@code messages} through {@link #render}).
     */
    public static GenerateBody of(final String path, final String body)
    {
        if ("/generate".equals(path))
        {
            return parse(body);
        }
        final boolean chat = "/v1/chat/completions".equals(path);
        final JsonNode root = tree(body);
        final int[] prompt = chat ? SyntheticTokenizer.encode(render(root.path("messages")))
            : root.path("prompt").isArray() ? prompt(root, "none", "prompt") : prompt(root, "prompt", "none");
        final String maxField = root.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        final int max = root.has(maxField) ? maxTokens(root, maxField)
            : chat ? DEFAULT_MAX_NEW_TOKENS : DEFAULT_MAX_TOKENS;
        return new GenerateBody(null, prompt, max, stops(root.path("stop")), root.path("stream").asBoolean(false));
    }

    /** The chat template: each message as {@code <|role|>\n content \n}, then the assistant's turn. */
    static String render(final JsonNode messages)
    {
        if (!messages.isArray() || messages.isEmpty())
        {
            throw new IllegalArgumentException("field 'messages': must be a non-empty list of {role, content}");
        }
        final StringBuilder sb = new StringBuilder();
        for (final JsonNode m : messages)
        {
            sb.append("<|").append(m.path("role").asText("user")).append("|>\n");
            final JsonNode c = m.path("content");
            if (c.isArray())
            {
                for (final JsonNode part : c)
                {
                    sb.append(part.path("text").asText(""));
                }
            }
            else
            {
                sb.append(c.asText(""));
            }
            sb.append('\n');
        }
        return sb.append("<|assistant|>\n").toString();
    }

    /** Parses {@code /generate}'s body; one-line {@link IllegalArgumentException} naming the field otherwise. */
    static GenerateBody parse(final String body)
    {
        final JsonNode root = tree(body);
        final JsonNode params = root.path("sampling_params");
        return new GenerateBody(root.path("rid").isTextual() ? root.get("rid").asText() : null, prompt(root, "text",
            "input_ids"), maxTokens(params, "max_new_tokens"), stops(params.path("stop")),
            root.path("stream").asBoolean(false));
    }

    static JsonNode tree(final String body)
    {
        final JsonNode root;
        try
        {
            root = JSON.readTree(body);
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalArgumentException("request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject())
        {
            throw new IllegalArgumentException("request body must be a JSON object");
        }
        return root;
    }

    static int[] prompt(final JsonNode root, final String textField, final String idsField)
    {
        final JsonNode ids = root.get(idsField);
        if (ids != null && !ids.isNull())
        {
            if (!ids.isArray() || ids.isEmpty())
            {
                throw new IllegalArgumentException("field '" + idsField + "': must be a non-empty list of token ids");
            }
            final int[] out = new int[ids.size()];
            for (int i = 0; i < out.length; i++)
            {
                final JsonNode t = ids.get(i);
                if (!t.canConvertToInt() || t.asInt() < 0 || t.asInt() >= SyntheticTokenizer.VOCAB)
                {
                    throw new IllegalArgumentException("field '" + idsField + "'[" + i + "]: " + t + " is not a token "
                        + "id in [0, " + SyntheticTokenizer.VOCAB + ")");
                }
                out[i] = t.asInt();
            }
            return out;
        }
        final JsonNode text = root.get(textField);
        if (text == null || !text.isTextual() || text.asText().isEmpty())
        {
            throw new IllegalArgumentException("give the prompt as '" + textField + "' (a non-empty string) or '"
                + idsField + "' (token ids)");
        }
        return SyntheticTokenizer.encode(text.asText());
    }

    static int maxTokens(final JsonNode params, final String field)
    {
        final JsonNode n = params.get(field);
        if (n == null || n.isNull())
        {
            return DEFAULT_MAX_NEW_TOKENS;
        }
        if (!n.canConvertToInt() || n.asInt() < 1)
        {
            throw new IllegalArgumentException("field '" + field + "': must be an integer >= 1, got " + n);
        }
        return n.asInt();
    }

    static List<String> stops(final JsonNode stop)
    {
        final List<String> out = new ArrayList<>();
        if (stop.isTextual())
        {
            out.add(stop.asText());
        }
        else if (stop.isArray())
        {
            for (final JsonNode s : stop)
            {
                out.add(s.asText());
            }
        }
        return out;
    }
}
