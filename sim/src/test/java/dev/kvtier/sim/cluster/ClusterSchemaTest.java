package dev.kvtier.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterSchemaTest
{
    @Test
    void everyIntegerFieldOfTheRecordsIsAFieldOfTheDefaults()
    {
        // the whole-number check finds fields by path: a path the loader names otherwise would go unchecked
        final JsonNode defaults = ClusterLoader.tree(null, Map.of());
        final Map<String, Long> integers = ClusterSchema.integerFields();
        assertThat(integers).containsKeys("nodes", "tp", "serving.page_size", "serving.device_pages");
        for (final String path : integers.keySet())
        {
            assertThat(defaults.at("/" + path.replace('.', '/')).isNumber()).as(path).isTrue();
        }
    }
}
