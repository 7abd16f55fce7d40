package org.recallctl.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recallctl.config.RecallConfig.Encoding;

class VectorCodecTest {
    private static final float[] V = {0.5f, -1.25f, 3.0e-5f, 42f};

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void roundTripsEveryEncoding(Encoding e) throws Exception {
        VectorCodec c = new VectorCodec(e, 4);
        assertThat(c.decode(c.encode(V))).containsExactly(V);
    }

    @Test
    void acceptsWhitespaceInText() throws Exception {
        assertThat(new VectorCodec(Encoding.JSON, 2).decode(" [ 1.5 ,\n -2e1 ] ")).containsExactly(1.5f, -20f);
        assertThat(new VectorCodec(Encoding.CSV, 2).decode("1.5, -2")).containsExactly(1.5f, -2f);
    }

    @Test
    void f32leAcceptsBytesAndBase64AcceptsText() throws Exception {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(-2f).array();
        assertThat(new VectorCodec(Encoding.F32LE, 2).decode(b)).containsExactly(1f, -2f);
        assertThat(new VectorCodec(Encoding.BASE64, 2).decode(Base64.getEncoder().encodeToString(b)))
                .containsExactly(1f, -2f);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void rejectsWrongDimension(Encoding e) {
        VectorCodec c3 = new VectorCodec(e, 3);
        Object four = new VectorCodec(e, 4).encode(V);
        assertThatThrownBy(() -> c3.decode(four)).isInstanceOf(BadVectorException.class)
                .hasMessageStartingWith("wrong dimension 4 (expected 3)");
        VectorCodec c5 = new VectorCodec(e, 5);
        assertThatThrownBy(() -> c5.decode(four)).hasMessageStartingWith("wrong dimension 4 (expected 5)");
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void rejectsNaNAndInfinity(Encoding e) {
        VectorCodec c = new VectorCodec(e, 4);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Object encoded = c.encode(new float[] {1f, bad, 2f, 3f});
            assertThatThrownBy(() -> c.decode(encoded)).isInstanceOf(BadVectorException.class)
                    .hasMessageStartingWith("NaN or infinity at position 1");
        }
    }

    @Test
    void rejectsMalformedText() {
        VectorCodec json = new VectorCodec(Encoding.JSON, 3);
        for (String bad : new String[] {"1,2,3", "[1,2,3", "[1,,3]", "[1,2,]", "[1,x,3]", "[0x1p3,1,2]", "[1f,2,3]",
                "", "null", "{\"a\":1}"}) {
            assertThatThrownBy(() -> json.decode(bad)).as(bad).isInstanceOf(BadVectorException.class)
                    .hasMessageContaining("malformed");
        }
        VectorCodec csv = new VectorCodec(Encoding.CSV, 3);
        assertThatThrownBy(() -> csv.decode("1,,3")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> csv.decode("[1,2,3]")).hasMessageContaining("malformed");
    }

    @Test
    void rejectsMalformedBinary() {
        assertThatThrownBy(() -> new VectorCodec(Encoding.F32LE, 2).decode(new byte[7]))
                .hasMessageStartingWith("malformed blob of 7 bytes");
        assertThatThrownBy(() -> new VectorCodec(Encoding.BASE64, 2).decode("not base64!"))
                .hasMessageStartingWith("malformed base64");
        assertThatThrownBy(() -> new VectorCodec(Encoding.JSON, 2).decode(null)).hasMessage("null vector");
    }

    @Test
    void normalizeRejectsZeroVectors() throws Exception {
        float[] v = {3f, 4f};
        Vectors.normalize(v);
        assertThat(v).containsExactly(0.6f, 0.8f);
        assertThatThrownBy(() -> Vectors.normalize(new float[] {0f, 0f})).hasMessageStartingWith("zero-norm");
    }

    @Test
    void fastTextParsingAgreesBitForBitWithFloatParseFloat() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (int n = 0; n < 300_000; n++) {
            float f = switch (n % 4) {
                case 0 -> (float) rnd.nextGaussian() * 0.1f;
                case 1 -> Float.intBitsToFloat(rnd.nextInt()); // any bit pattern, incl. tiny and huge
                case 2 -> (float) (rnd.nextDouble() * Math.pow(10, rnd.nextInt(-12, 12)));
                default -> rnd.nextInt(-100000, 100000) / 1000f;
            };
            if (!Float.isFinite(f)) {
                continue;
            }
            for (String t : new String[] {Float.toString(f), Double.toString(f), String.format("%.9e", f),
                    String.format("%.6f", f)}) {
                float fast = VectorCodec.fastParse(t, 0, t.length());
                if (!Float.isNaN(fast)) {
                    assertThat(Float.floatToIntBits(fast)).as(t).isEqualTo(Float.floatToIntBits(Float.parseFloat(t)));
                }
            }
        }
        for (String odd : new String[] {"-0", "0.0", "1e5", "1E-5", "+2.5", "123456789012345678", "1e30", "5e-30",
                ".5", "5.", "0.000000000000000000000001"}) {
            float fast = VectorCodec.fastParse(odd, 0, odd.length());
            if (!Float.isNaN(fast)) {
                assertThat(Float.floatToIntBits(fast)).as(odd).isEqualTo(Float.floatToIntBits(Float.parseFloat(odd)));
            }
        }
        assertThat(VectorCodec.fastParse("1.2.3", 0, 5)).isNaN();
        assertThat(VectorCodec.fastParse("e5", 0, 2)).isNaN();
    }
}
