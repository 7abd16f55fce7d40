package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.source.MysqlItemSource;
import org.recallctl.testing.TestStack;

/**
 * The columnar write path is exact: every id, every vector bit (negative zero, subnormals, extremes) and every
 * scalar kind read back from Milvus equals the source row.
 */
@Tag("integration")
@Tag("full-engine") // exact on milvus-lite and on the real engine
class ColumnarInsertIT {
    private static final int DIM = 8;
    private static final int ROWS = 600;
    private final TestStack stack = TestStack.get();

    private record Row(long id, float[] v, long i64, int i32, short i16, byte i8, boolean flag, float f, double d,
                       String s) {
    }

    @Test
    void idsVectorsAndEveryScalarKindArriveBitIdentical() throws Exception {
        String name = TestStack.unique("columnar");
        RecallConfig cfg = stack.load(name, Map.of("source.encoding", "f32le", "source.dimension", String.valueOf(DIM),
                "index.type", "FLAT", "build.batch_rows", "64", "collection.scalar_fields",
                "i64:int64,i32:int32,i16:int16,i8:int8,flag:bool,f:float,d:double,s:varchar(40)")).config();
        Random rnd = new Random(7);
        List<Row> rows = new ArrayList<>();
        float[] specials = {-0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e38f, -3.4e38f, 1.0f / 3};
        for (int i = 0; i < ROWS; i++) {
            long id = i == 0 ? Long.MAX_VALUE - 1 : i == 1 ? -5_000_000_000L : 1000L + i * 7L;
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = i < specials.length && d == 0 ? specials[i] : randomFinite(rnd);
            }
            v[DIM - 1] = 1.0f; // never a zero vector
            rows.add(new Row(id, v, i == 2 ? Long.MIN_VALUE : rnd.nextLong(), rnd.nextInt(),
                    (short) rnd.nextInt(), (byte) rnd.nextInt(), rnd.nextBoolean(),
                    // a FLOAT column's text form may round: a value with few digits survives it exactly
                    (rnd.nextInt(2_000_001) - 1_000_000) / 64.0f,
                    Double.longBitsToDouble(rnd.nextLong() & 0x7fefffffffffffffL), "s-" + i + "-ñ漢✓"));
        }
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 1); Connection c = s.connection();
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE `" + name + "` (item_id BIGINT PRIMARY KEY, vector BLOB, i64 BIGINT, i32 INT,"
                    + " i16 SMALLINT, i8 TINYINT, flag BOOLEAN, f FLOAT, d DOUBLE, s VARCHAR(40)) CHARSET utf8mb4");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO `" + name + "` VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                for (Row r : rows) {
                    ByteBuffer b = ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN);
                    for (float x : r.v()) {
                        b.putFloat(x);
                    }
                    ps.setLong(1, r.id());
                    ps.setBytes(2, b.array());
                    ps.setLong(3, r.i64());
                    ps.setInt(4, r.i32());
                    ps.setShort(5, r.i16());
                    ps.setByte(6, r.i8());
                    ps.setBoolean(7, r.flag());
                    ps.setFloat(8, r.f());
                    ps.setDouble(9, r.d());
                    ps.setString(10, r.s());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        String target = name + "_a";
        try (MysqlItemSource s = MysqlItemSource.open(cfg, 2); MilvusGateway milvus = MilvusGateway.forWrites(cfg.milvus())) {
            BuildResult r = new BuildStep(cfg, s, milvus, null).run(target, Optional.empty(), Optional.empty());
            assertThat(r.written()).isEqualTo(ROWS);
            assertThat(r.rejected()).isZero();
            milvus.load(target, 60_000, i -> { });
        }
        MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(cfg.milvus().writeUri()).build());
        try {
            Map<Long, Map<String, Object>> back = new HashMap<>();
            for (var e : client.query(QueryReq.builder().collectionName(target).filter(cfg.collection().idField()
                            // Milvus 2.3's parser reads "-9223372036854775808" as minus an out-of-range literal
                            + " >= " + (Long.MIN_VALUE + 1)).limit(ROWS + 10)
                    .outputFields(List.of("item_id", "vector", "i64", "i32", "i16", "i8", "flag", "f", "d", "s"))
                    .consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults()) {
                back.put(((Number) e.getEntity().get("item_id")).longValue(), e.getEntity());
            }
            assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(rows.stream().map(Row::id).toList());
            for (Row r : rows) {
                Map<String, Object> m = back.get(r.id());
                List<?> v = (List<?>) m.get("vector");
                int[] want = new int[DIM];
                int[] got = new int[DIM];
                for (int d = 0; d < DIM; d++) {
                    want[d] = Float.floatToRawIntBits(r.v()[d]);
                    got[d] = Float.floatToRawIntBits(((Number) v.get(d)).floatValue());
                }
                assertThat(got).as("vector bits of " + r.id()).containsExactly(want);
                assertThat(((Number) m.get("i64")).longValue()).as("i64 of " + r.id()).isEqualTo(r.i64());
                assertThat(((Number) m.get("i32")).intValue()).isEqualTo(r.i32());
                assertThat(((Number) m.get("i16")).shortValue()).isEqualTo(r.i16());
                assertThat(((Number) m.get("i8")).byteValue()).isEqualTo(r.i8());
                assertThat(m.get("flag")).isEqualTo(r.flag());
                assertThat(Float.floatToRawIntBits(((Number) m.get("f")).floatValue())).isEqualTo(Float.floatToRawIntBits(r.f()));
                assertThat(Double.doubleToRawLongBits(((Number) m.get("d")).doubleValue()))
                        .as("double of " + r.id()).isEqualTo(Double.doubleToRawLongBits(r.d()));
                assertThat(new String(((String) m.get("s")).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                        .isEqualTo(r.s());
            }
            client.dropCollection(io.milvus.v2.service.collection.request.DropCollectionReq.builder()
                    .collectionName(target).build());
        } finally {
            client.close();
        }
    }

    private static float randomFinite(Random rnd) {
        while (true) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isFinite(f)) {
                return f;
            }
        }
    }
}
