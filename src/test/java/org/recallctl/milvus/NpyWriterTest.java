package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {
    @Test
    void headerCarriesTheFinalRowCountAndTheDataFollowsAt64ByteAlignment(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("vector.npy");
        try (NpyWriter w = new NpyWriter(f, "<f4", ", 3")) {
            for (int r = 0; r < 5; r++) {
                w.putFloats(new float[] {r, -0.0f, Float.MIN_VALUE});
                w.endRow();
            }
        }
        byte[] b = Files.readAllBytes(f);
        assertThat(b[0] & 0xff).isEqualTo(0x93);
        assertThat(new String(b, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertThat((10 + len) % 64).isZero();
        String header = new String(b, 10, len, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 3), }").endsWith(" \n");
        assertThat(b.length).isEqualTo(10 + len + 5 * 3 * 4);
        ByteBuffer data = ByteBuffer.wrap(b, 10 + len, 60).order(ByteOrder.LITTLE_ENDIAN);
        data.position(10 + len + 12 * 4); // row 4
        assertThat(data.getFloat()).isEqualTo(4f);
        assertThat(Float.floatToRawIntBits(data.getFloat())).isEqualTo(Float.floatToRawIntBits(-0.0f));
    }

    @Test
    void scalarColumnsHaveAOneDimensionalShapeAndUnicodeIsFixedWidth(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("brand.npy");
        try (NpyWriter w = new NpyWriter(f, "<U4", "")) {
            w.putUnicode("a漢", 4);
            w.endRow();
        }
        byte[] b = Files.readAllBytes(f);
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertThat(new String(b, 10, len, StandardCharsets.US_ASCII)).contains("'shape': (1,)");
        ByteBuffer data = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        data.position(10 + len);
        assertThat(data.getInt()).isEqualTo('a');
        assertThat(data.getInt()).isEqualTo(0x6F22);
        assertThat(data.getInt()).isZero();
        assertThat(b.length).isEqualTo(10 + len + 16);
    }
}
