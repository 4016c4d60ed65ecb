package dev.kvtier.model.cost;

import java.util.List;

/**
 * The parts of a transformer's architecture that decide KV size and compute cost, as in a Hugging Face
 * {@code config.json}. KV bytes per token: MHA/GQA {@code 2 × layers × kv_heads × head_dim × dtype}; MLA
 * {@code layers × (kv_lora_rank + qk_rope_head_dim) × dtype} (SGLang's host-pool formulas). Parameters are counted
 * from the shapes so FLOPs follow: a forward pass costs {@code 2 × active params} per token plus attention. Both
 * runtimes cost compute from it, so it holds numbers only; reading a {@code config.json} is the simulator's.
 */
public record ModelSpec(String name, int layers, int hidden, int heads, int kvHeads, int headDim,
    int intermediate, int vocab, int dtypeBytes, int kvLoraRank, int qkRopeHeadDim, int qkNopeHeadDim,
    int vHeadDim, int routedExperts, int activeExperts, int sharedExperts, int moeIntermediate, int denseLayers,
    boolean tiedEmbeddings, int weightDtypeBytes, int qLoraRank)
{
    public static final List<ModelSpec> PRESETS = List.of(
        new ModelSpec("llama-3-8b", 32, 4096, 32, 8, 128, 14336, 128256, 2, 0, 0, 0, 0, 0, 0, 0, 0, 32, false, 2, 0),
        new ModelSpec("llama-3-70b", 80, 8192, 64, 8, 128, 28672, 128256, 2, 0, 0, 0, 0, 0, 0, 0, 0, 80, false, 2, 0),
        new ModelSpec("qwen2.5-72b", 80, 8192, 64, 8, 128, 29568, 152064, 2, 0, 0, 0, 0, 0, 0, 0, 0, 80, false, 2, 0),
        new ModelSpec("deepseek-v3", 61, 7168, 128, 128, 192, 18432, 129280, 2, 512, 64, 128, 128, 256, 8, 1,
            2048, 3, false, 1, 1536));

    public boolean mla()
    {
        return kvLoraRank > 0;
    }

    /** KV bytes per token for the whole model (one copy, before any TP replication). */
    public long kvBytesPerToken()
    {
        if (mla())
        {
            return (long)layers * (kvLoraRank + qkRopeHeadDim) * dtypeBytes;
        }
        return 2L * layers * kvHeads * headDim * dtypeBytes;
    }

    private double attentionParamsPerLayer()
    {
        if (mla())
        {
            final double qOut = (double)heads * (qkNopeHeadDim + qkRopeHeadDim);
            final double q = qLoraRank > 0 ? (double)hidden * qLoraRank + qLoraRank * qOut : hidden * qOut;
            final double kvDown = (double)hidden * (kvLoraRank + qkRopeHeadDim);
            final double kvUp = (double)kvLoraRank * heads * (qkNopeHeadDim + vHeadDim);
            final double o = (double)heads * vHeadDim * hidden;
            return q + kvDown + kvUp + o;
        }
        return (double)hidden * heads * headDim * 2 + (double)hidden * kvHeads * headDim * 2;
    }

    private double denseMlpParams()
    {
        return 3.0 * hidden * intermediate;
    }

    private double expertParams()
    {
        return 3.0 * hidden * moeIntermediate;
    }

    /** Parameters touched per token (attention, dense MLPs, shared and active experts; no embeddings). */
    public double activeParams()
    {
        final int moeLayers = layers - denseLayers;
        return layers * attentionParamsPerLayer() + denseLayers * denseMlpParams()
            + moeLayers * (activeExperts + sharedExperts) * expertParams();
    }

    /** All parameters including every expert and the embeddings. */
    public double totalParams()
    {
        final int moeLayers = layers - denseLayers;
        final double embeddings = (double)vocab * hidden * (tiedEmbeddings ? 1 : 2);
        return layers * attentionParamsPerLayer() + denseLayers * denseMlpParams()
            + moeLayers * (routedExperts + sharedExperts) * expertParams() + embeddings;
    }

    public double weightBytes()
    {
        return totalParams() * weightDtypeBytes;
    }

    /** Attention FLOPs per (query, key) pair over all layers: QKᵀ and AV, 2 FLOPs per multiply-add. */
    public double attentionFlopsPerPair()
    {
        final int qk = mla() ? qkNopeHeadDim + qkRopeHeadDim : headDim;
        final int v = mla() ? vHeadDim : headDim;
        return 2.0 * layers * heads * (qk + v);
    }

    public static ModelSpec preset(final String name)
    {
        for (final ModelSpec m : PRESETS)
        {
            if (m.name.equalsIgnoreCase(name))
            {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "' in cluster config field 'model': use one of "
            + PRESETS.stream().map(ModelSpec::name).toList() + " or --model-path DIR_OR_CONFIG_JSON");
    }
}
