package dev.kvtier.sim.cluster;

import java.util.List;
import java.util.Locale;

/**
 * One accelerator's datasheet numbers: dense BF16 tensor FLOP/s, HBM size and bandwidth, and host link (PCIe)
 * bandwidth per direction. Sources: NVIDIA A100/A800, H100 SXM, H200 and H20 datasheets; PCIe Gen4/Gen5 x16
 * usable rates.
 */
public record GpuSpec(String name, double flops, double hbmBytes, double hbmBytesPerSec, double pcieBytesPerSec)
{
    private static final double T = 1e12;
    private static final double G = 1e9;

    public static final List<GpuSpec> PRESETS = List.of(
        new GpuSpec("A100", 312 * T, 80 * G, 2039 * G, 25 * G),
        new GpuSpec("A800", 312 * T, 80 * G, 2039 * G, 25 * G),
        new GpuSpec("H100", 989 * T, 80 * G, 3350 * G, 50 * G),
        new GpuSpec("H800", 989 * T, 80 * G, 3350 * G, 50 * G),
        new GpuSpec("H200", 989 * T, 141 * G, 4800 * G, 50 * G),
        new GpuSpec("H20", 148 * T, 96 * G, 4000 * G, 50 * G));

    public static GpuSpec preset(final String name)
    {
        for (final GpuSpec g : PRESETS)
        {
            if (g.name.equalsIgnoreCase(name))
            {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown gpu '" + name + "' in cluster config field 'gpu': use one of "
            + PRESETS.stream().map(GpuSpec::name).toList().toString().toLowerCase(Locale.ROOT));
    }
}
