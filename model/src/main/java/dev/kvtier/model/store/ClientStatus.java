package dev.kvtier.model.store;

/** What a ping tells a client: carry on, or remount your segments because the master does not know you. */
public enum ClientStatus
{
    OK, NEED_REMOUNT
}
