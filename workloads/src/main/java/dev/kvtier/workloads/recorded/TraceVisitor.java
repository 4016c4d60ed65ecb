package dev.kvtier.workloads.recorded;

/** Receives a recorded trace's documents in the order they were appended (see {@link RecordedTrace#read}). */
public interface TraceVisitor
{
    void arrival(TraceArrival arrival);

    void outcome(TraceOutcome outcome);
}
