package dev.kvtier.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven stamped into the jar manifest. */
public final class VersionProvider implements IVersionProvider
{
    @Override
    public String[] getVersion()
    {
        final String v = KvtierCommand.class.getPackage().getImplementationVersion();
        return new String[] {"kvtier " + (v == null ? "development build" : v)};
    }
}
