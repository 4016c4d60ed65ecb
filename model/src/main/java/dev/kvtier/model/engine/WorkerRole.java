package dev.kvtier.model.engine;

/** What an instance does in the cluster ({@code --disaggregation-mode}). */
public enum WorkerRole
{
    /** Prefill and decode on one instance (mode null). */
    COMBINED,
    /** Prefill only; hands the KV to a decode instance. */
    PREFILL,
    /** Decode only; receives KV from prefill and keeps no prefix cache (baseline). */
    DECODE
}
