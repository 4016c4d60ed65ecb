package dev.kvtier.model.routing;

/** Requests as chains of dense block ids, a request's blocks in prefix order: what hit routing reads of a trace. */
public interface BlockChains
{
    /** Requests, numbered from 0. */
    int requests();

    /** Blocks of {@code request}. */
    int blockCount(int request);

    /** Dense id of block {@code index} of {@code request}. */
    int block(int request, int index);
}
