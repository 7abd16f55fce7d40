package org.recallctl.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the id column's declaration alone proves that no id is NULL or beyond int64 (so the build skips the scan). */
class UnusableIdsDecisionTest {

    @Test
    void notNullSignedIntegersAndNarrowUnsignedOnesNeedNoScan() {
        assertThat(MysqlItemSource.idsFitInt64("NO", "bigint", "bigint(20)")).isTrue();
        assertThat(MysqlItemSource.idsFitInt64("NO", "bigint", "bigint")).isTrue(); // MySQL 8 drops the width
        assertThat(MysqlItemSource.idsFitInt64("NO", "int", "int(11)")).isTrue();
        assertThat(MysqlItemSource.idsFitInt64("NO", "int", "int(10) unsigned")).isTrue();
        assertThat(MysqlItemSource.idsFitInt64("NO", "mediumint", "mediumint(8) unsigned")).isTrue();
        assertThat(MysqlItemSource.idsFitInt64("NO", "smallint", "smallint(6)")).isTrue();
        assertThat(MysqlItemSource.idsFitInt64("NO", "TINYINT", "TINYINT(3) UNSIGNED")).isTrue();
    }

    @Test
    void nullableBigUnsignedDecimalTextOrUnknownColumnsKeepTheScan() {
        assertThat(MysqlItemSource.idsFitInt64("YES", "bigint", "bigint(20)")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64("YES", "int", "int(11)")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64("NO", "bigint", "bigint(20) unsigned")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64("NO", "decimal", "decimal(30,0)")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64("NO", "varchar", "varchar(40)")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64("NO", "double", "double")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64("NO", "bit", "bit(64)")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64(null, "bigint", "bigint(20)")).isFalse();
        assertThat(MysqlItemSource.idsFitInt64("NO", null, null)).isFalse();
    }
}
