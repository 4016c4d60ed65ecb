package dev.kvtier.model.cost;

import java.util.List;
import java.util.Locale;

/**
 * One accelerator's datasheet numbers: dense BF16 tensor FLOP/s, HBM size and bandwidth, host link (PCIe)
 * bandwidth per direction, and NVLink bandwidth per direction (half the datasheet's bidirectional total: 600 GB/s
 * A100, 400 GB/s A800 and H800, 900 GB/s H100, H200 and H20), which the tensor-parallel all-reduces run over.
 * Sources: NVIDIA A100/A800, H100 SXM/H800, H200 and H20 datasheets; PCIe Gen4/Gen5 x16 usable rates.
 */
public record GpuSpec(String name, double flops, double hbmBytes, double hbmBytesPerSec, double pcieBytesPerSec,
    double nvlinkBytesPerSec)
{
    private static final double T = 1e12;
    private static final double G = 1e9;

    public static final List<GpuSpec> PRESETS = List.of(
        new GpuSpec("A100", 312 * T, 80 * G, 2039 * G, 25 * G, 300 * G),
        new GpuSpec("A800", 312 * T, 80 * G, 2039 * G, 25 * G, 200 * G),
        new GpuSpec("H100", 989 * T, 80 * G, 3350 * G, 50 * G, 450 * G),
        new GpuSpec("H800", 989 * T, 80 * G, 3350 * G, 50 * G, 200 * G),
        new GpuSpec("H200", 989 * T, 141 * G, 4800 * G, 50 * G, 450 * G),
        new GpuSpec("H20", 148 * T, 96 * G, 4000 * G, 50 * G, 450 * G));

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
