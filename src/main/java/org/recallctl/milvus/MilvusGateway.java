package org.recallctl.milvus;

import com.google.gson.JsonObject;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetCollectionStatsReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.request.DropIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.partition.request.CreatePartitionReq;
import io.milvus.v2.service.partition.request.GetPartitionStatsReq;
import io.milvus.v2.service.partition.request.ListPartitionsReq;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DescribeAliasReq;
import io.milvus.v2.service.utility.request.DropAliasReq;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.ScalarField;
import org.recallctl.config.Secret;
import org.recallctl.error.DependencyException;
import org.recallctl.error.Interruptions;
import org.recallctl.error.RecallctlException;

/**
 * Everything recallctl asks of Milvus, over one {@link MilvusClientV2} per endpoint. Every call has a deadline
 * and a bounded retry budget (the SDK's defaults can block for minutes or forever), and every failure comes out
 * as a {@link DependencyException} naming the endpoint. Thread-safe: the V2 client's RPCs are, and nothing here
 * mutates the client after construction.
 */
public final class MilvusGateway implements AutoCloseable {
    /** Ids per query of {@link #rowsById}: keeps the filter expression small. */
    private static final int ROWS_BY_ID_CHUNK = 256;
    private static final long POLL_MS = 500;
    /** Polls (of POLL_MS) a Finished index must keep its indexed-row count to count as done though rows remain. */
    private static final int INDEX_SETTLED_POLLS = 10;
    private static final String WRITE_TOKEN_SETTINGS = "milvus.token / RECALLCTL_MILVUS_TOKEN / milvus.token_file";
    private static final String READ_TOKEN_SETTINGS =
            "milvus.read_token / RECALLCTL_MILVUS_READ_TOKEN / milvus.read_token_file";
    private final MilvusClientV2 client;
    private final ConnectConfig connectConfig;
    private final String uri;
    private final int maxRetries;
    private final long maxRetryMs;
    private final String tokenSettings; // where the token this connection sends is configured, for a refusal
    private AsyncSearchChannel asyncSearch; // opened by the first searchAsync; guarded by this
    private WriteChannel writes; // opened by the first columnar insert or import; guarded by this

    private MilvusGateway(MilvusClientV2 client, ConnectConfig connectConfig, String uri, int maxRetries,
                          long maxRetryMs, String tokenSettings) {
        this.client = client;
        this.connectConfig = connectConfig;
        this.uri = uri;
        this.maxRetries = maxRetries;
        this.maxRetryMs = maxRetryMs;
        this.tokenSettings = tokenSettings;
    }

    /** Connects to the write endpoint, with the configured per-RPC deadline and milvus.token. */
    public static MilvusGateway forWrites(RecallConfig.Milvus cfg) {
        return connect(cfg, cfg.writeUri(), cfg.rpcDeadlineMs(), cfg.token(), WRITE_TOKEN_SETTINGS);
    }

    /**
     * Connects to the read endpoint; {@code deadlineMs} is the per-search deadline. Sends milvus.read_token when
     * set (a search-only user beside a writer), else milvus.token.
     */
    public static MilvusGateway forReads(RecallConfig.Milvus cfg, int deadlineMs) {
        boolean own = cfg.readToken().isSet();
        return connect(cfg, cfg.readUri(), deadlineMs, own ? cfg.readToken() : cfg.token(),
                own ? READ_TOKEN_SETTINGS : WRITE_TOKEN_SETTINGS);
    }

    private static MilvusGateway connect(RecallConfig.Milvus cfg, String uri, long deadlineMs,
                                         Secret token, String tokenSettings) {
        ConnectConfig.ConnectConfigBuilder b = ConnectConfig.builder()
                .uri(uri)
                .connectTimeoutMs(cfg.connectTimeoutMs())
                .rpcDeadlineMs(deadlineMs)
                .keepAliveTimeMs(10_000)
                .keepAliveTimeoutMs(5_000);
        if (token.isSet()) {
            b.token(token.reveal());
        }
        if (!cfg.database().isEmpty()) {
            b.dbName(cfg.database());
        }
        MilvusTls.configure(b, cfg, uri);
        ConnectConfig connectConfig = b.build();
        MilvusClientV2 client;
        try {
            client = new MilvusClientV2(connectConfig);
        } catch (RuntimeException e) {
            if (MilvusErrors.isUnreachable(e)) { // gRPC's wait-for-ready hides a TLS failure behind "no answer"
                MilvusTls.diagnose(cfg, uri, "connect", e).ifPresent(tls -> {
                    throw tls;
                });
            }
            throw MilvusErrors.translate(e, uri, "connect", cfg.connectTimeoutMs(), tokenSettings);
        }
        client.retryConfig(RetryConfig.builder()
                .maxRetryTimes(Math.max(1, cfg.maxRetries() + 1))
                .maxRetryTimeoutMs(Math.max(1, cfg.maxRetryMs()))
                .initialBackOffMs(100)
                .maxBackOffMs(2_000)
                .build());
        return new MilvusGateway(client, connectConfig, uri, Math.max(0, cfg.maxRetries()), Math.max(1, cfg.maxRetryMs()),
                tokenSettings);
    }

    public String uri() {
        return uri;
    }

    private <T> T call(String what, Supplier<T> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            throw failure(e, what, connectConfig.getRpcDeadlineMs());
        }
    }

    /** What a failed call of this connection means, as one RecallctlException (see MilvusErrors). */
    private RecallctlException failure(Throwable e, String what, long deadlineMs) {
        return MilvusErrors.translate(e, uri, what, deadlineMs, tokenSettings);
    }

    private void run(String what, Runnable op) {
        call(what, () -> {
            op.run();
            return null;
        });
    }

    public String serverVersion() {
        return call("get the server version", client::getServerVersion);
    }

    public List<String> listCollections() {
        return call("list collections", () -> client.listCollections().getCollectionNames());
    }

    public boolean hasCollection(String name) {
        return call("check collection " + name,
                () -> client.hasCollection(HasCollectionReq.builder().collectionName(name).build()));
    }

    /** Throws a DependencyException naming the collection when it does not exist. */
    public void requireCollection(String name, String why) {
        if (!hasCollection(name)) {
            throw new DependencyException("milvus", why + " names collection '" + name
                    + "', which does not exist in Milvus at " + uri);
        }
    }

    public CollectionInfo describe(String name) {
        var d = call("describe collection " + name,
                () -> client.describeCollection(DescribeCollectionReq.builder().collectionName(name).build()));
        int dim = 0;
        if (d.getCollectionSchema() != null) {
            for (var f : d.getCollectionSchema().getFieldSchemaList()) {
                if (f.getDimension() != null && f.getDimension() > 0) {
                    dim = f.getDimension();
                }
            }
        }
        String vectorField = d.getVectorFieldNames() == null || d.getVectorFieldNames().isEmpty()
                ? null : d.getVectorFieldNames().get(0);
        List<String> partitions = new ArrayList<>(listPartitions(name));
        partitions.remove("_default");
        return new CollectionInfo(name, rowCount(name), partitions, dim,
                vectorField == null ? IndexInfo.NONE : index(name, vectorField), loadState(name), aliases(name));
    }

    /** The pipeline mark of a collection (empty when it carries none: created by hand or by an older recallctl). */
    public Optional<CollectionMark> mark(String name) {
        var d = call("describe collection " + name,
                () -> client.describeCollection(DescribeCollectionReq.builder().collectionName(name).build()));
        return CollectionMark.from(d.getProperties());
    }

    /**
     * What a search needs to know of a collection, in two calls (describe costs five): vector field, dimension,
     * partition names (without _default). Throws a DependencyException when the collection does not exist.
     */
    public CollectionLayout layout(String name) {
        var d = call("describe collection " + name,
                () -> client.describeCollection(DescribeCollectionReq.builder().collectionName(name).build()));
        int dim = 0;
        String vectorField = d.getVectorFieldNames() == null || d.getVectorFieldNames().isEmpty()
                ? null : d.getVectorFieldNames().get(0);
        if (d.getCollectionSchema() != null) {
            for (var f : d.getCollectionSchema().getFieldSchemaList()) {
                if (f.getDimension() != null && f.getDimension() > 0
                        && (vectorField == null || vectorField.equals(f.getName()))) {
                    dim = f.getDimension();
                    vectorField = f.getName();
                }
            }
        }
        List<String> partitions = new ArrayList<>(listPartitions(name));
        partitions.remove("_default");
        return new CollectionLayout(name, vectorField, dim, List.copyOf(partitions));
    }

    /** The stored vector of one item, or empty when the collection has no such id. */
    public Optional<float[]> vectorOf(String collection, String idField, String vectorField, long id) {
        QueryResp r = call("read the vector of item " + id + " from " + collection, () -> client.query(QueryReq.builder()
                .collectionName(collection).filter(idField + " == " + id).outputFields(List.of(vectorField))
                .consistencyLevel(ConsistencyLevel.STRONG).build()));
        if (r.getQueryResults() == null || r.getQueryResults().isEmpty()) {
            return Optional.empty();
        }
        Object v = r.getQueryResults().get(0).getEntity().get(vectorField);
        if (!(v instanceof List<?> list)) {
            return Optional.empty();
        }
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).floatValue();
        }
        return Optional.of(out);
    }

    /**
     * The stored rows of {@code ids} (those the collection has), each as its requested fields, in one strongly
     * consistent query per chunk of ids: what the gate's spot-check compares with the source.
     */
    public Map<Long, Map<String, Object>> rowsById(String collection, String idField, List<Long> ids,
                                                   List<String> fields) {
        Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += ROWS_BY_ID_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + ROWS_BY_ID_CHUNK));
            StringBuilder filter = new StringBuilder(idField).append(" in [");
            for (int i = 0; i < chunk.size(); i++) {
                filter.append(i == 0 ? "" : ",").append(chunk.get(i));
            }
            filter.append(']');
            List<String> output = new ArrayList<>(fields);
            output.add(0, idField);
            QueryResp r = call("read " + chunk.size() + " rows by id from " + collection, () -> client.query(
                    QueryReq.builder().collectionName(collection).filter(filter.toString()).outputFields(output)
                            .limit(chunk.size()).consistencyLevel(ConsistencyLevel.STRONG).build()));
            if (r.getQueryResults() == null) {
                continue;
            }
            for (QueryResp.QueryResult q : r.getQueryResults()) {
                Map<String, Object> e = q.getEntity();
                Object id = e.get(idField);
                if (id instanceof Number n) {
                    out.put(n.longValue(), requested(e, fields));
                }
            }
        }
        return out;
    }

    public List<String> listPartitions(String collection) {
        return call("list partitions of " + collection,
                () -> client.listPartitions(ListPartitionsReq.builder().collectionName(collection).build()));
    }

    /** Exact after flush, and needs no load (unlike count(*)). */
    public long rowCount(String collection) {
        return call("count rows of " + collection, () -> client.getCollectionStats(
                GetCollectionStatsReq.builder().collectionName(collection).build()).getNumOfEntities());
    }

    public long partitionRowCount(String collection, String partition) {
        return call("count rows of " + collection + "/" + partition, () -> client.getPartitionStats(
                GetPartitionStatsReq.builder().collectionName(collection).partitionName(partition).build())
                .getNumOfEntities());
    }

    /** count(*) per partition over loaded data with strong consistency: sees what was really written. */
    public long countLoaded(String collection, List<String> partitions) {
        QueryResp r = call("count(*) of " + collection, () -> client.query(QueryReq.builder()
                .collectionName(collection).partitionNames(partitions).outputFields(List.of("count(*)"))
                .consistencyLevel(ConsistencyLevel.STRONG).build()));
        Object v = r.getQueryResults().get(0).getEntity().get("count(*)");
        return ((Number) v).longValue();
    }

    public IndexInfo index(String collection, String field) {
        DescribeIndexResp r;
        try {
            r = client.describeIndex(DescribeIndexReq.builder().collectionName(collection).fieldName(field).build());
        } catch (RuntimeException e) {
            // "index not found[collection=x]" (real Milvus, code 700) is a state, not a failure; error texts
            // differ between servers, so ask the server whether the collection itself exists
            if (MilvusErrors.isUnreachable(e) || !hasCollection(collection)) {
                throw failure(e, "describe the index of " + collection, 0);
            }
            return IndexInfo.NONE;
        }
        if (r == null || r.getIndexDescriptions() == null || r.getIndexDescriptions().isEmpty()) {
            return IndexInfo.NONE;
        }
        var desc = r.getIndexDescByFieldName(field);
        if (desc == null) {
            desc = r.getIndexDescriptions().get(0);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (desc.getExtraParams() != null) {
            params.putAll(desc.getExtraParams());
        }
        params.remove("index_type");
        params.remove("metric_type");
        flattenParamsJson(params);
        return new IndexInfo(String.valueOf(desc.getIndexType()), params,
                desc.getIndexState() == null ? "Unknown" : desc.getIndexState().name(),
                desc.getIndexedRows(), desc.getTotalRows(),
                desc.getIndexFailedReason() == null ? "" : desc.getIndexFailedReason());
    }

    /** Only the fields asked for: milvus-lite returns every field (the whole vector too) when none are named. */
    private static Map<String, Object> requested(Map<String, Object> entity, List<String> outputFields) {
        if (entity == null || entity.isEmpty() || outputFields.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : outputFields) {
            if (entity.containsKey(f)) {
                out.put(f, entity.get(f));
            }
        }
        return out;
    }

    /** Some servers report build parameters as one JSON string under "params"; show them as keys. */
    private static void flattenParamsJson(Map<String, String> params) {
        String nested = params.remove("params");
        if (nested == null || nested.isBlank()) {
            return;
        }
        try {
            com.google.gson.JsonElement e = com.google.gson.JsonParser.parseString(nested);
            if (e.isJsonObject()) {
                e.getAsJsonObject().entrySet().forEach(en -> params.put(en.getKey(),
                        en.getValue().isJsonPrimitive() ? en.getValue().getAsString() : en.getValue().toString()));
                return;
            }
        } catch (RuntimeException ignored) {
            // not JSON: keep it as it came
        }
        params.put("params", nested);
    }

    public LoadInfo loadState(String collection) {
        var r = call("get the load state of " + collection,
                () -> client.getLoadStateV2(GetLoadStateReq.builder().collectionName(collection).build()));
        String state = r.getState() == null ? "Unknown" : r.getState().name().replace("LoadState", "");
        return new LoadInfo(state, r.getProgress() == null ? 0 : r.getProgress());
    }

    public List<String> aliases(String collection) {
        try {
            var r = client.listAliases(ListAliasesReq.builder().collectionName(collection).build());
            return r.getAlias() == null ? List.of() : List.copyOf(r.getAlias());
        } catch (RuntimeException e) {
            throw failure(e, "list aliases of " + collection, 0);
        }
    }

    /**
     * The collection an alias points at, or empty when the alias does not exist. Any other failure (auth,
     * permission, an unreachable server) is an error: reading "no alias" where one exists would let a switch
     * create or move it blindly.
     */
    public Optional<String> aliasTarget(String alias) {
        try {
            var r = client.describeAlias(DescribeAliasReq.builder().alias(alias).build());
            return Optional.ofNullable(r.getCollectionName()).filter(s -> !s.isEmpty());
        } catch (RuntimeException e) {
            if (MilvusErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw failure(e, "describe alias " + alias, 0);
        }
    }

    /** Points {@code alias} at {@code collection}, creating it when it does not exist yet. */
    public void pointAlias(String alias, String collection) {
        if (aliasTarget(alias).isPresent()) {
            run("move alias " + alias + " to " + collection,
                    () -> client.alterAlias(AlterAliasReq.builder().alias(alias).collectionName(collection).build()));
        } else {
            run("create alias " + alias + " for " + collection,
                    () -> client.createAlias(CreateAliasReq.builder().alias(alias).collectionName(collection).build()));
        }
    }

    public void dropAlias(String alias) {
        run("drop alias " + alias, () -> client.dropAlias(DropAliasReq.builder().alias(alias).build()));
    }

    /** Creates the collection and its partitions p0..p{P-1}. The caller has made sure the name is free. */
    public void createCollection(CollectionSpec spec) {
        var schema = CreateCollectionReq.CollectionSchema.builder().enableDynamicField(false).build();
        schema.addField(AddFieldReq.builder().fieldName(spec.idField()).dataType(DataType.Int64)
                .isPrimaryKey(true).autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName(spec.vectorField()).dataType(DataType.FloatVector)
                .dimension(spec.dimension()).build());
        for (ScalarField f : spec.scalarFields()) {
            var fb = AddFieldReq.builder().fieldName(f.name()).dataType(dataType(f.kind()));
            if (f.kind() == ScalarField.Kind.VARCHAR) {
                fb.maxLength(f.maxLength());
            }
            schema.addField(fb.build());
        }
        var req = CreateCollectionReq.builder()
                .collectionName(spec.name()).collectionSchema(schema).numShards(1)
                .consistencyLevel(ConsistencyLevel.BOUNDED);
        spec.mark().ifPresent(m -> req.properties(m.properties()));
        run("create collection " + spec.name(), () -> client.createCollection(req.build()));
        for (String p : Partitions.names(spec.partitions())) {
            run("create partition " + p + " of " + spec.name(), () -> client.createPartition(
                    CreatePartitionReq.builder().collectionName(spec.name()).partitionName(p).build()));
        }
    }

    private static DataType dataType(ScalarField.Kind k) {
        return switch (k) {
            case INT64 -> DataType.Int64;
            case INT32 -> DataType.Int32;
            case INT16 -> DataType.Int16;
            case INT8 -> DataType.Int8;
            case BOOL -> DataType.Bool;
            case FLOAT -> DataType.Float;
            case DOUBLE -> DataType.Double;
            case VARCHAR -> DataType.VarChar;
        };
    }

    public void dropCollection(String name) {
        run("drop collection " + name, () -> client.dropCollection(DropCollectionReq.builder().collectionName(name).build()));
    }

    public void release(String name) {
        run("release collection " + name,
                () -> client.releaseCollection(ReleaseCollectionReq.builder().collectionName(name).build()));
    }

    public void insert(String collection, String partition, List<JsonObject> rows) {
        run("insert " + rows.size() + " rows into " + collection + "/" + partition, () -> client.insert(
                InsertReq.builder().collectionName(collection).partitionName(partition).data(rows).build()));
    }

    /**
     * Inserts one columnar batch ({@link InsertColumns}) into a partition: the build's write path. Same deadline
     * as every RPC; retried only while the server is unreachable (see {@link WriteChannel}).
     */
    public void insert(String collection, String partition, InsertColumns columns) {
        run("insert " + columns.rows() + " rows into " + collection + "/" + partition,
                () -> writeChannel().insert(collection, partition, columns));
    }

    private synchronized WriteChannel writeChannel() {
        if (writes == null) {
            writes = new WriteChannel(connectConfig, maxRetries, maxRetryMs);
        }
        return writes;
    }

    /**
     * Fails with a ConfigException (exit 2) when the server has no bulk import (milvus-lite answers the gRPC
     * Import with UNIMPLEMENTED), before any file is written. Probes with an import of no files, which a server
     * that imports refuses as an empty request without starting anything.
     */
    public void requireImport(String collection) {
        try {
            writeChannel().startImport(collection, "", List.of());
        } catch (io.milvus.shaded.io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.milvus.shaded.io.grpc.Status.Code.UNIMPLEMENTED) {
                throw new org.recallctl.error.ConfigException("Milvus at " + uri + " has no bulk import (gRPC Import"
                        + " answered UNIMPLEMENTED; milvus-lite has none): use --method insert (build.method: insert)");
            }
            throw failure(e, "check bulk import support", 0);
        } catch (RuntimeException e) {
            if (MilvusErrors.isUnreachable(e)) {
                throw failure(e, "check bulk import support", 0);
            }
            // a server that imports refuses an empty import request: that is the answer we wanted
        }
    }

    /** Starts one bulk import job of {@code files} into {@code partition}; returns the server's task ids. */
    public List<Long> startImport(String collection, String partition, List<String> files) {
        return call("start importing " + files.size() + " files into " + collection + "/" + partition,
                () -> writeChannel().startImport(collection, partition, files));
    }

    /** The state of one import task. */
    public ImportProgress importState(long task) {
        return progressOf(task, call("get the state of import task " + task, () -> writeChannel().importState(task)));
    }

    /**
     * Every import task the server keeps for {@code collection}, including ones nobody recorded: a run killed
     * between sending its Import and writing the answer down leaves a job only the server knows about.
     */
    public List<ImportProgress> importsOf(String collection) {
        return call("list the import tasks of " + collection, () -> writeChannel().importsOf(collection)).stream()
                .map(r -> progressOf(r.getId(), r)).toList();
    }

    private static ImportProgress progressOf(long task, io.milvus.grpc.GetImportStateResponse r) {
        String reason = "";
        int percent = 0;
        for (var kv : r.getInfosList()) {
            if ("failed_reason".equals(kv.getKey())) {
                reason = kv.getValue();
            } else if ("progress_percent".equals(kv.getKey())) {
                try {
                    percent = Integer.parseInt(kv.getValue().trim());
                } catch (NumberFormatException ignored) {
                    // not a number on this server version: keep 0
                }
            }
        }
        return new ImportProgress(task, r.getState().name().replace("Import", ""), r.getRowCount(), percent, reason);
    }

    /**
     * Empties one partition by dropping and creating it again (the collection must not be loaded): a resumed
     * import build's partition whose import is not confirmed.
     */
    public void recreatePartition(String collection, String partition) {
        run("drop partition " + collection + "/" + partition, () -> client.dropPartition(
                io.milvus.v2.service.partition.request.DropPartitionReq.builder().collectionName(collection)
                        .partitionName(partition).build()));
        run("create partition " + collection + "/" + partition, () -> client.createPartition(
                CreatePartitionReq.builder().collectionName(collection).partitionName(partition).build()));
    }

    /**
     * Deletes rows by primary key from every partition (works on a collection that is not loaded, unlike a delete
     * by expression on Milvus 2.3): a resumed build's unconfirmed tail, removed before it is written again.
     */
    public void deleteIds(String collection, String idField, List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        StringBuilder filter = new StringBuilder(idField).append(" in [");
        for (int i = 0; i < ids.size(); i++) {
            filter.append(i == 0 ? "" : ",").append(ids.get(i));
        }
        filter.append(']');
        run("delete " + ids.size() + " ids " + ids.get(0) + ".." + ids.get(ids.size() - 1) + " from " + collection,
                () -> client.delete(io.milvus.v2.service.vector.request.DeleteReq.builder().collectionName(collection)
                        .filter(filter.toString()).build()));
    }

    /** Idempotent write: a retried batch replaces rows instead of duplicating them. */
    public void upsert(String collection, String partition, List<JsonObject> rows) {
        run("upsert " + rows.size() + " rows into " + collection + "/" + partition, () -> client.upsert(
                UpsertReq.builder().collectionName(collection).partitionName(partition).data(rows).build()));
    }

    /** Flushes and waits for the segments to persist, at most {@code timeoutMs}; see {@link WriteChannel#flush}. */
    public void flush(String collection, long timeoutMs) {
        run("flush " + collection, () -> writeChannel().flush(collection, timeoutMs));
    }

    /**
     * Starts the index build without the SDK's sync wait (it needs AllocTimestamp, which milvus-lite lacks) and
     * polls describeIndex ourselves, reporting progress, until Finished, Failed or the timeout.
     */
    public IndexInfo createIndex(String collection, String field, String type, String metric,
                                 Map<String, String> params, long timeoutMs, Consumer<IndexInfo> progress) {
        Map<String, Object> extra = new LinkedHashMap<>();
        params.forEach((k, v) -> extra.put(k, ParamValues.typed(v)));
        IndexParam p = IndexParam.builder().fieldName(field).indexType(IndexParam.IndexType.valueOf(type))
                .metricType(IndexParam.MetricType.valueOf(metric)).extraParams(extra).build();
        run("create a " + type + " index on " + collection, () -> client.createIndex(CreateIndexReq.builder()
                .collectionName(collection).indexParams(List.of(p)).sync(false).build()));
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        int sameFinished = 0;
        long lastIndexed = -1;
        while (true) {
            IndexInfo info = index(collection, field);
            progress.accept(info);
            // Milvus 2.3 says Finished at once for segments it has not queued yet (bulk-imported ones: 0/N
            // rows), so Finished counts once every row is indexed; segments too small to index (under
            // minSegmentNumRowsToEnableIndex) never are, so a Finished count that stays put for 5 s counts too.
            sameFinished = info.finished() && info.indexedRows() == lastIndexed ? sameFinished + 1 : 0;
            lastIndexed = info.indexedRows();
            if (info.finished() && (info.totalRows() == 0 || info.indexedRows() >= info.totalRows()
                    || sameFinished >= INDEX_SETTLED_POLLS)) {
                return info;
            }
            if ("Failed".equalsIgnoreCase(info.state())) {
                throw new DependencyException("milvus", "index build on " + collection + " failed: " + info.failedReason());
            }
            if (System.nanoTime() > deadline) {
                throw new DependencyException("milvus", "index build on " + collection + " not finished after "
                        + timeoutMs / 1000 + " s (" + info.indexedRows() + "/" + info.totalRows()
                        + " rows); raise milvus.index_timeout_s or check the index nodes");
            }
            sleep();
        }
    }

    public void dropIndex(String collection, String field) {
        run("drop the index of " + collection, () -> client.dropIndex(DropIndexReq.builder()
                .collectionName(collection).fieldName(field).build()));
    }

    /** Loads without the SDK's sync wait and polls the load progress, so we can show it and bound it. */
    public void load(String collection, long timeoutMs, Consumer<LoadInfo> progress) {
        run("load " + collection, () -> client.loadCollection(LoadCollectionReq.builder().collectionName(collection)
                .sync(false).build()));
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            LoadInfo info = loadState(collection);
            progress.accept(info);
            if (info.loaded()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DependencyException("milvus", "loading " + collection + " not finished after "
                        + timeoutMs / 1000 + " s (" + info.progress() + "%); raise milvus.load_timeout_s");
            }
            sleep();
        }
    }

    /**
     * Searches {@code vectors} in the given partitions (all when empty); one result list per query vector.
     * Float scores come back as the server computes them; the caller merges.
     */
    public List<List<Hit>> search(String collection, List<String> partitions, String vectorField,
                                  List<float[]> vectors, int topK, Map<String, Object> params, String filter,
                                  List<String> outputFields) {
        SearchReq req = searchReq(collection, partitions, vectorField, vectors, topK, params, filter, outputFields);
        SearchResp r = call(searchWhat(collection, partitions), () -> client.search(req));
        return hits(r.getSearchResults(), outputFields);
    }

    /**
     * {@link #search} without blocking: the request is sent before this returns, and the future completes on
     * gRPC's transport thread, failed with a {@link DependencyException} as {@code search} would throw.
     * No retries: the deadline bounds the call, and the caller decides what a failed partition means.
     */
    public CompletableFuture<List<List<Hit>>> searchAsync(String collection, List<String> partitions,
                                                          String vectorField, List<float[]> vectors, int topK,
                                                          Map<String, Object> params, String filter,
                                                          List<String> outputFields, long deadlineMs) {
        String what = searchWhat(collection, partitions);
        try {
            return asyncSearch().search(searchReq(collection, partitions, vectorField, vectors, topK, params, filter,
                    outputFields), deadlineMs, r -> hits(r, outputFields), t -> failure(t, what, deadlineMs));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failure(e, what, deadlineMs));
        }
    }

    private synchronized AsyncSearchChannel asyncSearch() {
        if (asyncSearch == null) {
            asyncSearch = new AsyncSearchChannel(connectConfig);
        }
        return asyncSearch;
    }

    private static String searchWhat(String collection, List<String> partitions) {
        return "search " + collection + (partitions.size() == 1 ? "/" + partitions.get(0) : "");
    }

    private SearchReq searchReq(String collection, List<String> partitions, String vectorField, List<float[]> vectors,
                                int topK, Map<String, Object> params, String filter, List<String> outputFields) {
        List<BaseVector> data = new ArrayList<>(vectors.size());
        for (float[] v : vectors) {
            data.add(new FloatVec(v));
        }
        SearchReq.SearchReqBuilder b = SearchReq.builder().collectionName(collection).annsField(vectorField)
                .data(data).topK(topK).searchParams(params).consistencyLevel(ConsistencyLevel.BOUNDED);
        if (!partitions.isEmpty()) {
            b.partitionNames(partitions);
        }
        if (filter != null && !filter.isBlank()) {
            b.filter(filter);
        }
        if (!outputFields.isEmpty()) {
            b.outputFields(outputFields);
        }
        return b.build();
    }

    private static List<List<Hit>> hits(List<List<SearchResp.SearchResult>> results, List<String> outputFields) {
        List<List<Hit>> out = new ArrayList<>(results.size());
        for (List<SearchResp.SearchResult> perQuery : results) {
            List<Hit> hits = new ArrayList<>(perQuery.size());
            for (SearchResp.SearchResult sr : perQuery) {
                hits.add(new Hit(((Number) sr.getId()).longValue(), sr.getScore(), requested(sr.getEntity(), outputFields)));
            }
            out.add(hits);
        }
        return out;
    }

    private static void sleep() {
        Interruptions.sleep(POLL_MS, "interrupted while waiting for Milvus");
    }

    @Override
    public void close() {
        synchronized (this) {
            if (asyncSearch != null) {
                asyncSearch.close();
            }
            if (writes != null) {
                writes.close();
            }
        }
        try {
            client.close(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // closing a client whose server is gone must not mask the original error
        }
    }
}
