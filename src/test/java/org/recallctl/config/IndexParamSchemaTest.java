package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;

class IndexParamSchemaTest {
    private static LoadedConfig load(Map<String, String> sets) {
        return new ConfigLoader(Map.of()).load(null, sets, Map.of());
    }

    @Test
    void wrongTypesAndRangesAreRefusedNamingTheKeyAndWhatItTakes() {
        assertThatThrownBy(() -> load(Map.of("index.params.nlist", "abc"))).isInstanceOf(ConfigException.class)
                .hasMessage("index.params.nlist='abc': expected an integer in 1..65536");
        assertThatThrownBy(() -> load(Map.of("index.params.nlist", "0"))).hasMessageContaining("in 1..65536");
        assertThatThrownBy(() -> load(Map.of("search.params.nprobe", "1.5"))).hasMessageContaining("search.params.nprobe=1.5");
        assertThatThrownBy(() -> load(Map.of("index.type", "HNSW", "index.params.M", "1")))
                .hasMessageContaining("index.params.M=1: expected an integer in 2..2048");
        assertThatThrownBy(() -> load(Map.of("index.type", "HNSW", "search.params.ef", "5")))
                .hasMessageContaining("search.params.ef=5 is smaller than search.topk=10");
        assertThatThrownBy(() -> load(Map.of("index.type", "IVF_PQ", "index.params.m", "7")))
                .hasMessageContaining("m to divide source.dimension 128");
        assertThatThrownBy(() -> load(Map.of("search.params.radius", "near"))).hasMessageContaining("expected a number");
    }

    @Test
    void unknownNamesWarnWithTheNearestKnownOneButDefaultsThatDoNotApplyAreSilent() {
        List<String> w = load(Map.of("index.params.nlsit", "64")).warnings();
        assertThat(w).containsExactly("index.params.nlsit is not an index parameter of IVF_FLAT (it takes nlist); "
                + "did you mean index.params.nlist?; it is passed to Milvus as is");
        assertThat(load(Map.of("index.type", "HNSW", "search.params.nprobe", "8")).warnings())
                .anyMatch(x -> x.startsWith("search.params.nprobe is not a search parameter of HNSW (it takes ef, radius, range_filter)"));
        // HNSW with the shipped defaults nlist=1024 and nprobe=16 left in place: nothing to say
        assertThat(load(Map.of("index.type", "HNSW")).warnings()).isEmpty();
        assertThat(load(Map.of("index.params.nlist", "8")).warnings()).anyMatch(x -> x.contains("nprobe=16 is larger"));
        assertThat(load(Map.of()).warnings()).isEmpty();
    }
}
