package dev.kvtier.model.cost;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The tensor-parallel all-reduce term: absent at tp 1, the ring formula over NVLink otherwise. */
class RooflineCostModelTest
{
    @Test
    void oneGpuHasNoAllReduceAndEightPayTwoRingsPerLayer()
    {
        final ModelSpec llama70 = ModelSpec.preset("llama-3-70b");
        final GpuSpec a800 = GpuSpec.preset("A800");
        assertThat(new RooflineCostModel(ModelSpec.preset("llama-3-8b"), GpuSpec.preset("H100"), 1).allReduceNs(4096))
            .isZero();
        final RooflineCostModel tp8 = new RooflineCostModel(llama70, a800, 8);
        // 160 all-reduces of 8192 x 2 bytes per token, ring 2 x 7/8, over 200 GB/s x 0.8, plus 8 us each
        final double perToken = 160 * 2 * 7.0 / 8 * 8192 * 2 / (200e9 * 0.8) * 1e9;
        assertThat((double)tp8.allReduceNs(64)).isCloseTo(160 * 8_000 + 64 * perToken, within(2.0));
        // a decode step pays it on top of the memory-bound roofline; doubling the NVLink rate halves the bytes term
        final RooflineCostModel fastLinks = new RooflineCostModel(llama70, new GpuSpec("A800x2", a800.flops(),
            a800.hbmBytes(), a800.hbmBytesPerSec(), a800.pcieBytesPerSec(), 2 * a800.nvlinkBytesPerSec()), 8);
        assertThat(tp8.decodeStepNs(64, 64 * 2048) - fastLinks.decodeStepNs(64, 64 * 2048))
            .isCloseTo((long)(64 * perToken / 2), within(2L));
        assertThat(tp8.prefillNs(8192, 0) - fastLinks.prefillNs(8192, 0))
            .isCloseTo((long)(8192 * perToken / 2), within(2L));
    }
}
