package org.recallctl.milvus;

import io.milvus.grpc.BoolArray;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.IntArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.util.List;

/**
 * One insert request in columns, as the server stores it: the ids in one packed int64 array, all vectors in one
 * packed float array (row after row), each scalar field in its own array. Built straight into the generated
 * protobuf builders from primitives, with no per-row object and no boxing: the SDK's V2 row path turns every
 * vector into a gson tree and back (docs/benchmarks.md, "Client CPU"). Values go through unchanged, so ids,
 * vectors and scalars arrive bit-identical. Not thread-safe: one per batch.
 */
public final class InsertColumns {
    private final CollectionSpec spec;
    private final LongArray.Builder ids = LongArray.newBuilder();
    private final FloatArray.Builder vectors = FloatArray.newBuilder();
    private final Column[] scalars;
    private int rows;

    public InsertColumns(CollectionSpec spec) {
        this.spec = spec;
        List<org.recallctl.config.ScalarField> fields = spec.scalarFields();
        this.scalars = new Column[fields.size()];
        for (int k = 0; k < scalars.length; k++) {
            scalars[k] = Column.of(fields.get(k));
        }
    }

    /**
     * Appends one row. {@code scalars} holds one value per scalar field, already of the field's kind (as the
     * pipeline's validator produces them: Long for the integer kinds, Float, Double, Boolean, String).
     */
    public void add(long id, float[] vector, Object[] scalarValues) {
        if (vector.length != spec.dimension()) {
            throw new IllegalArgumentException("vector of item " + id + " has " + vector.length + " values, not "
                    + spec.dimension());
        }
        ids.addData(id);
        for (float f : vector) {
            vectors.addData(f);
        }
        for (int k = 0; k < scalars.length; k++) {
            scalars[k].add(scalarValues[k]);
        }
        rows++;
    }

    public int rows() {
        return rows;
    }

    InsertRequest toRequest(String database, String collection, String partition) {
        InsertRequest.Builder r = InsertRequest.newBuilder()
                .setBase(MsgBase.newBuilder().setMsgType(MsgType.Insert))
                .setCollectionName(collection).setPartitionName(partition).setNumRows(rows)
                .addFieldsData(FieldData.newBuilder().setFieldName(spec.idField()).setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName(spec.vectorField()).setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(spec.dimension()).setFloatVector(vectors)));
        for (Column c : scalars) {
            r.addFieldsData(c.field());
        }
        if (database != null && !database.isEmpty()) {
            r.setDbName(database);
        }
        return r.build();
    }

    /** One scalar field's values in the protobuf array of its kind. */
    private abstract static class Column {
        final String name;
        final DataType type;

        Column(String name, DataType type) {
            this.name = name;
            this.type = type;
        }

        abstract void add(Object v);

        abstract ScalarField.Builder values();

        FieldData field() {
            return FieldData.newBuilder().setFieldName(name).setType(type).setScalars(values()).build();
        }

        static Column of(org.recallctl.config.ScalarField f) {
            return switch (f.kind()) {
                case INT64 -> new Column(f.name(), DataType.Int64) {
                    final LongArray.Builder a = LongArray.newBuilder();
                    void add(Object v) { a.addData(((Number) v).longValue()); }
                    ScalarField.Builder values() { return ScalarField.newBuilder().setLongData(a); }
                };
                case INT32, INT16, INT8 -> new Column(f.name(), switch (f.kind()) {
                    case INT32 -> DataType.Int32;
                    case INT16 -> DataType.Int16;
                    default -> DataType.Int8;
                }) {
                    final IntArray.Builder a = IntArray.newBuilder();
                    void add(Object v) { a.addData(((Number) v).intValue()); }
                    ScalarField.Builder values() { return ScalarField.newBuilder().setIntData(a); }
                };
                case BOOL -> new Column(f.name(), DataType.Bool) {
                    final BoolArray.Builder a = BoolArray.newBuilder();
                    void add(Object v) { a.addData((Boolean) v); }
                    ScalarField.Builder values() { return ScalarField.newBuilder().setBoolData(a); }
                };
                case FLOAT -> new Column(f.name(), DataType.Float) {
                    final FloatArray.Builder a = FloatArray.newBuilder();
                    void add(Object v) { a.addData(((Number) v).floatValue()); }
                    ScalarField.Builder values() { return ScalarField.newBuilder().setFloatData(a); }
                };
                case DOUBLE -> new Column(f.name(), DataType.Double) {
                    final DoubleArray.Builder a = DoubleArray.newBuilder();
                    void add(Object v) { a.addData(((Number) v).doubleValue()); }
                    ScalarField.Builder values() { return ScalarField.newBuilder().setDoubleData(a); }
                };
                case VARCHAR -> new Column(f.name(), DataType.VarChar) {
                    final StringArray.Builder a = StringArray.newBuilder();
                    void add(Object v) { a.addData((String) v); }
                    ScalarField.Builder values() { return ScalarField.newBuilder().setStringData(a); }
                };
            };
        }
    }
}
