package org.recallctl.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.ScalarField;
import org.recallctl.milvus.Partitions;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.SourceRow;
import org.recallctl.source.VectorCodec;
import org.recallctl.source.Vectors;

/**
 * Turns a raw source row into a {@link ValidRow} or rejects it with a reason: the vector must decode to the
 * configured dimension with finite values (and a non-zero norm when normalising), and every scalar must fit its
 * Milvus field, because one bad value would make Milvus refuse the whole insert batch. Stateless, thread-safe.
 */
public final class RowValidator {
    /** Overhead per row on the wire besides the id, the floats and the scalars (field headers, offsets). */
    static final int ROW_OVERHEAD_BYTES = 16;

    private final VectorCodec codec;
    private final boolean normalize;
    private final List<ScalarField> scalars;
    private final int partitions;
    private final int dimension;

    public RowValidator(RecallConfig cfg) {
        this.codec = new VectorCodec(cfg.source().encoding(), cfg.source().dimension());
        this.normalize = cfg.source().normalize();
        this.scalars = cfg.collection().scalarFields();
        this.partitions = cfg.collection().partitions();
        this.dimension = cfg.source().dimension();
    }

    public ValidRow validate(SourceRow row) throws BadVectorException {
        float[] v = codec.decode(row.rawVector());
        if (normalize) {
            Vectors.normalize(v);
        }
        Object[] raw = row.scalars();
        Object[] out = new Object[scalars.size()];
        long bytes = 8L + 4L * dimension + ROW_OVERHEAD_BYTES;
        for (int k = 0; k < out.length; k++) {
            ScalarField f = scalars.get(k);
            out[k] = scalar(f, k < raw.length ? raw[k] : null);
            bytes += out[k] instanceof String s ? 4 + s.length() * 3L : 8;
        }
        return new ValidRow(row.id(), v, out, Partitions.indexOf(row.id(), partitions), bytes);
    }

    private static Object scalar(ScalarField f, Object value) throws BadVectorException {
        if (value == null) {
            throw new BadVectorException("bad scalar: " + f.name() + " is NULL");
        }
        switch (f.kind()) {
            case VARCHAR -> {
                String s = value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value.toString();
                // Milvus counts VARCHAR max_length in bytes of UTF-8
                if (s.getBytes(StandardCharsets.UTF_8).length > f.maxLength()) {
                    throw new BadVectorException("bad scalar: " + f.name() + " longer than " + f.maxLength() + " bytes");
                }
                return s;
            }
            case BOOL -> {
                if (value instanceof Boolean b) {
                    return b;
                }
                if (value instanceof Number n && (n.longValue() == 0 || n.longValue() == 1)) {
                    return n.longValue() == 1;
                }
                throw new BadVectorException("bad scalar: " + f.name() + " is not a boolean");
            }
            case FLOAT, DOUBLE -> {
                if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    throw new BadVectorException("bad scalar: " + f.name() + " is not a finite number");
                }
                return f.kind() == ScalarField.Kind.FLOAT ? (Object) n.floatValue() : (Object) n.doubleValue();
            }
            default -> {
                if (value instanceof Boolean b) {
                    return b ? 1L : 0L;
                }
                if (!(value instanceof Number n)) {
                    throw new BadVectorException("bad scalar: " + f.name() + " is not an integer");
                }
                long l = n.longValue();
                long max = switch (f.kind()) {
                    case INT8 -> Byte.MAX_VALUE;
                    case INT16 -> Short.MAX_VALUE;
                    case INT32 -> Integer.MAX_VALUE;
                    default -> Long.MAX_VALUE;
                };
                if (l > max || l < -max - 1 || (n instanceof java.math.BigInteger bi && bi.bitLength() > 63)) {
                    throw new BadVectorException("bad scalar: " + f.name() + " out of range for " + f.kind());
                }
                return l;
            }
        }
    }

    /** The short category of a rejection message, for counting by reason. */
    public static String category(String reason) {
        return RejectReason.of(reason).key();
    }
}
