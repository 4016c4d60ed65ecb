package dev.kvtier.live.bench;

/**
 * One {@code /generate} call a load source asks for: the prompt as token ids, the answer length, and where it comes
 * from in the workload (a conversation's client and round, or a trace line), which the per-request CSV reports.
 *
 * @param index        the request's number in send order
 * @param client       the conversation it belongs to, or -1 for a trace request
 * @param round        its turn in the conversation (0-based), or -1 for a trace request
 * @param traceIndex   its record in the trace (0-based), or -1 for a conversation turn
 * @param inputIds     the prompt's token ids
 * @param maxNewTokens {@code sampling_params.max_new_tokens}
 */
public record BenchRequest(int index, int client, int round, int traceIndex, int[] inputIds, int maxNewTokens)
{
}
