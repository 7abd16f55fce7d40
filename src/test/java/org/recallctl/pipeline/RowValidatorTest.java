package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recallctl.config.ConfigLoader;
import org.recallctl.config.RecallConfig;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.SourceRow;

class RowValidatorTest {
    private static RecallConfig cfg(boolean normalize) {
        return new ConfigLoader(Map.of()).load(null, Map.of("source.dimension", "2", "source.normalize",
                String.valueOf(normalize), "collection.partitions", "4",
                "collection.scalar_fields", "category:int8,brand:varchar(4)"), Map.of()).config();
    }

    @Test
    void decodesNormalisesRoutesAndSizesARow() throws Exception {
        ValidRow r = new RowValidator(cfg(true)).validate(new SourceRow(6, "[3,4]", new Object[] {5, "ab"}));
        assertThat(r.vector()).containsExactly(0.6f, 0.8f);
        assertThat(r.partition()).isEqualTo(2);
        assertThat(r.scalars()).containsExactly(5L, "ab");
        assertThat(r.bytes()).isEqualTo(8 + 8 + RowValidator.ROW_OVERHEAD_BYTES + 8 + 4 + 6);
    }

    @Test
    void rejectsZeroNormOnlyWhenNormalising() throws Exception {
        SourceRow zero = new SourceRow(1, "[0,0]", new Object[] {1, "a"});
        assertThat(new RowValidator(cfg(false)).validate(zero).vector()).containsExactly(0f, 0f);
        assertThatThrownBy(() -> new RowValidator(cfg(true)).validate(zero)).isInstanceOf(BadVectorException.class)
                .satisfies(e -> assertThat(RowValidator.category(e.getMessage())).isEqualTo("zero_norm"));
    }

    @Test
    void aVectorOfOnlySubnormalFloatsIsRejectedAndATinyNormalOneNormalisesFinitely() throws Exception {
        SourceRow subnormal = new SourceRow(1, "[1.4e-45,2.8e-45]", new Object[] {1, "a"});
        assertThatThrownBy(() -> new RowValidator(cfg(true)).validate(subnormal)).isInstanceOf(BadVectorException.class)
                .hasMessageContaining("every component is subnormal")
                .satisfies(e -> assertThat(RowValidator.category(e.getMessage())).isEqualTo("zero_norm"));
        // 3e-38 and 4e-38 are normal floats, but 1/|v| overflows a float: computed in double it does not
        ValidRow tiny = new RowValidator(cfg(true)).validate(new SourceRow(2, "[3e-38,4e-38]", new Object[] {1, "a"}));
        assertThat(tiny.vector()[0]).isCloseTo(0.6f, org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(tiny.vector()[1]).isCloseTo(0.8f, org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(new RowValidator(cfg(false)).validate(subnormal).vector()).containsExactly(1.4e-45f, 2.8e-45f);
    }

    @Test
    void rejectsScalarsThatMilvusWouldRefuse() {
        RowValidator v = new RowValidator(cfg(false));
        assertThatThrownBy(() -> v.validate(new SourceRow(1, "[1,0]", new Object[] {null, "a"})))
                .hasMessageContaining("category is NULL");
        assertThatThrownBy(() -> v.validate(new SourceRow(1, "[1,0]", new Object[] {300, "a"})))
                .hasMessageContaining("out of range for INT8");
        assertThatThrownBy(() -> v.validate(new SourceRow(1, "[1,0]", new Object[] {1, "abcde"})))
                .hasMessageContaining("longer than 4 bytes");
    }

    @Test
    void categorisesEveryReason() {
        assertThat(RowValidator.category("wrong dimension 3 (expected 2)")).isEqualTo("wrong_dimension");
        assertThat(RowValidator.category("NaN or infinity at position 1")).isEqualTo("nan_or_inf");
        assertThat(RowValidator.category("malformed JSON array")).isEqualTo("malformed");
        assertThat(RowValidator.category("duplicate id 5 (the first row with this id was kept)")).isEqualTo("duplicate_id");
        assertThat(RowValidator.category("null vector")).isEqualTo("null_vector");
        assertThat(RowValidator.category("bad scalar: x is NULL")).isEqualTo("bad_scalar");
    }
}
