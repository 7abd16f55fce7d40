package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnicodeNpyColumnTest {
    @Test
    void theFileIsAsWideAsTheLongestValueInCodePointsAndHoldsEveryValueInOrder(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("brand.npy");
        try (UnicodeNpyColumn c = new UnicodeNpyColumn(f)) {
            c.add("ab");
            c.add("𝄞漢x"); // a supplementary code point (two chars) counts once: width 3, not 4
            c.add("");
        }
        byte[] b = Files.readAllBytes(f);
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertThat(new String(b, 10, len, StandardCharsets.US_ASCII))
                .startsWith("{'descr': '<U3', 'fortran_order': False, 'shape': (3,), }");
        assertThat(b.length).isEqualTo(10 + len + 3 * 3 * 4);
        ByteBuffer data = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        data.position(10 + len);
        int[] expected = {'a', 'b', 0, 0x1D11E, 0x6F22, 'x', 0, 0, 0};
        for (int cp : expected) {
            assertThat(data.getInt()).isEqualTo(cp);
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(f); // the staged side file is gone
        }
    }

    @Test
    void aColumnOfEmptyStringsIsOneCharacterWide(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("brand.npy");
        try (UnicodeNpyColumn c = new UnicodeNpyColumn(f)) {
            c.add("");
            c.add("");
        }
        byte[] b = Files.readAllBytes(f);
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertThat(new String(b, 10, len, StandardCharsets.US_ASCII)).contains("'descr': '<U1'").contains("(2,)");
        assertThat(b.length).isEqualTo(10 + len + 2 * 4);
    }
}
