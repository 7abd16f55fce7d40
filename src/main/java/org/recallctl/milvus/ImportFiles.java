package org.recallctl.milvus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.recallctl.config.ScalarField;

/**
 * The import files of one partition: one NumPy file per field ({@code <field>.npy}, the column-based layout
 * Milvus's bulk import reads: 2.3 and later), written row by row as batches arrive. Why NumPy: the values go
 * to disk as raw little-endian arrays (no text formatting of floats, no library), and the server reads them as
 * fast as any format (docs/benchmarks.md, "Bulk import"). Not thread-safe: callers lock per partition.
 */
public final class ImportFiles implements AutoCloseable {
    private final CollectionSpec spec;
    private final NpyWriter ids;
    private final NpyWriter vectors;
    private final NpyWriter[] scalars; // per scalar field: the fixed-width kinds
    private final UnicodeNpyColumn[] texts; // per scalar field: VARCHAR, as wide as its longest value
    private final List<Path> files = new ArrayList<>();

    public ImportFiles(CollectionSpec spec, Path dir) {
        this.spec = spec;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the import directory " + dir + ": " + e.getMessage(), e);
        }
        this.ids = open(dir, spec.idField(), "<i8", "");
        this.vectors = open(dir, spec.vectorField(), "<f4", ", " + spec.dimension());
        List<ScalarField> fields = spec.scalarFields();
        this.scalars = new NpyWriter[fields.size()];
        this.texts = new UnicodeNpyColumn[fields.size()];
        for (int k = 0; k < scalars.length; k++) {
            ScalarField f = fields.get(k);
            if (f.kind() == ScalarField.Kind.VARCHAR) {
                texts[k] = new UnicodeNpyColumn(dir.resolve(f.name() + ".npy"));
                files.add(texts[k].file());
            } else {
                scalars[k] = open(dir, f.name(), descr(f), "");
            }
        }
    }

    private NpyWriter open(Path dir, String field, String descr, String shape) {
        NpyWriter w = new NpyWriter(dir.resolve(field + ".npy"), descr, shape);
        files.add(w.file());
        return w;
    }

    private static String descr(ScalarField f) {
        return switch (f.kind()) {
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case INT16 -> "<i2";
            case INT8 -> "|i1";
            case BOOL -> "|b1";
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            // VARCHAR is a UnicodeNpyColumn: <U as wide as its widest value, known only once the partition is complete
            case VARCHAR -> throw new IllegalArgumentException("VARCHAR columns are UnicodeNpyColumns");
        };
    }

    /** Appends one row; {@code scalarValues} as the validator produces them (see {@link InsertColumns#add}). */
    public void add(long id, float[] vector, Object[] scalarValues) {
        ids.putLong(id);
        ids.endRow();
        vectors.putFloats(vector);
        vectors.endRow();
        List<ScalarField> fields = spec.scalarFields();
        for (int k = 0; k < scalars.length; k++) {
            NpyWriter w = scalars[k];
            Object v = scalarValues[k];
            if (w == null) {
                texts[k].add((String) v);
                continue;
            }
            switch (fields.get(k).kind()) {
                case INT64 -> w.putLong(((Number) v).longValue());
                case INT32 -> w.putInt(((Number) v).intValue());
                case INT16 -> w.putShort(((Number) v).shortValue());
                case INT8 -> w.putByte(((Number) v).byteValue());
                case BOOL -> w.putByte((byte) (((Boolean) v) ? 1 : 0));
                case FLOAT -> w.putFloat(((Number) v).floatValue());
                case DOUBLE -> w.putDouble(((Number) v).doubleValue());
                case VARCHAR -> throw new IllegalStateException("VARCHAR is written by texts[k]");
            }
            w.endRow();
        }
    }

    public long rows() {
        return ids.rows();
    }

    /** Every file of this partition (id, vector, then the scalars in schema order). */
    public List<Path> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() {
        ids.close();
        vectors.close();
        for (int k = 0; k < scalars.length; k++) {
            if (scalars[k] != null) {
                scalars[k].close();
            } else {
                texts[k].close();
            }
        }
    }
}
