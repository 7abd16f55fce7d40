package org.recallctl.milvus;

import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.FlushResponse;
import io.milvus.grpc.GetFlushStateRequest;
import io.milvus.grpc.GetFlushStateResponse;
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.ListImportTasksRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MutationResult;
import io.milvus.shaded.io.grpc.ManagedChannel;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.utils.ClientUtils;
import io.milvus.v2.utils.RpcUtils;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.recallctl.error.DependencyException;
import org.recallctl.error.Interruptions;

/**
 * The build's write RPCs (columnar inserts from {@link InsertColumns}, flush, bulk import) over the SDK's
 * generated blocking stub, on a channel of the SDK's own making ({@link ClientUtils#getChannel}: same TLS, token
 * and database header), as AsyncSearchChannel does for searches; the answer's status is checked by the SDK's own
 * rule ({@link RpcUtils#handleResponse}).
 *
 * <p>Each attempt has the configured RPC deadline. Only a server that is not reachable (UNAVAILABLE: the
 * request did not get through) is retried, within milvus.max_retries and milvus.max_retry_ms; anything else
 * fails at once, as the SDK does for inserts. A retried insert that had in fact landed duplicates rows, which
 * the post-build check's exact per-partition count catches.
 */
final class WriteChannel implements AutoCloseable {
    private static final long FLUSH_POLL_MS = 500;
    private final ManagedChannel channel;
    private final MilvusServiceGrpc.MilvusServiceBlockingStub stub;
    private final RpcUtils statuses = new RpcUtils();
    private final long deadlineMs;
    private final int maxRetries;
    private final long maxRetryMs;
    private final String database;

    WriteChannel(ConnectConfig config, int maxRetries, long maxRetryMs) {
        this.channel = new ClientUtils().getChannel(config);
        this.stub = MilvusServiceGrpc.newBlockingStub(channel);
        this.deadlineMs = config.getRpcDeadlineMs();
        this.maxRetries = maxRetries;
        this.maxRetryMs = maxRetryMs;
        this.database = config.getDbName();
    }

    void insert(String collection, String partition, InsertColumns columns) {
        InsertRequest request = columns.toRequest(database, collection, partition);
        retryWhileUnreachable("an insert", () -> {
            MutationResult r = once().insert(request);
            statuses.handleResponse("insert into " + collection + "/" + partition, r.getStatus());
            if (r.getInsertCnt() != columns.rows()) {
                throw new IllegalStateException("the server took " + r.getInsertCnt() + " of " + columns.rows()
                        + " rows");
            }
            return null;
        });
    }

    /**
     * Flush, then wait until the server reports the flushed segments persisted, at most {@code timeoutMs}. Not the
     * SDK's flush: its wait polls with a wait-for-ready stub whose only deadline is that whole timeout, so an
     * engine that dies mid-flush held a rebuild for milvus.index_timeout_s (30 min) instead of failing. Here each
     * poll has the RPC deadline and an unreachable server fails as soon as the retry budget is spent.
     */
    void flush(String collection, long timeoutMs) {
        FlushRequest.Builder request = FlushRequest.newBuilder().addCollectionNames(collection);
        if (hasDatabase()) {
            request.setDbName(database);
        }
        FlushResponse flushed = retryWhileUnreachable("a flush", () -> once().flush(request.build()));
        statuses.handleResponse("flush " + collection, flushed.getStatus());
        Long flushTs = flushed.getCollFlushTsMap().get(collection);
        if (flushTs == null) {
            return; // nothing to wait for (the SDK waits only for collections the answer names)
        }
        GetFlushStateRequest.Builder state = GetFlushStateRequest.newBuilder().setFlushTs(flushTs)
                .addAllSegmentIDs(flushed.getCollSegIDsMap().getOrDefault(collection, LongArray.getDefaultInstance())
                        .getDataList());
        if (!flushed.getDbName().isEmpty()) {
            state.setDbName(flushed.getDbName());
        }
        long giveUp = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            GetFlushStateResponse r = retryWhileUnreachable("a flush state poll", () -> once().getFlushState(state.build()));
            statuses.handleResponse("get the flush state of " + collection, r.getStatus());
            if (r.getFlushed()) {
                return;
            }
            if (System.nanoTime() > giveUp) {
                throw new DependencyException("milvus", "flush of " + collection + " not finished after "
                        + timeoutMs / 1000 + " s; raise milvus.index_timeout_s or check the data nodes");
            }
            Interruptions.sleep(FLUSH_POLL_MS, "interrupted while waiting for a flush");
        }
    }

    /**
     * Runs {@code rpc}, again while the server is unreachable (UNAVAILABLE: the request did not get through),
     * within milvus.max_retries and milvus.max_retry_ms; anything else fails at once.
     */
    private <T> T retryWhileUnreachable(String what, Supplier<T> rpc) {
        long giveUp = System.nanoTime() + maxRetryMs * 1_000_000L;
        long backoff = 100;
        for (int attempt = 0; ; attempt++) {
            try {
                return rpc.get();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt >= maxRetries
                        || System.nanoTime() + backoff * 1_000_000L > giveUp) {
                    throw e;
                }
            }
            Interruptions.sleep(backoff, "interrupted while retrying " + what);
            backoff = Math.min(2_000, backoff * 2);
        }
    }

    /** A database is configured (requests name it; else the server's default). */
    private boolean hasDatabase() {
        return database != null && !database.isEmpty();
    }

    private MilvusServiceGrpc.MilvusServiceBlockingStub once() {
        return deadlineMs > 0 ? stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS) : stub;
    }

    /** Starts one import job of {@code files} into one partition (gRPC Import); returns its task ids. */
    List<Long> startImport(String collection, String partition, List<String> files) {
        ImportRequest.Builder r = ImportRequest.newBuilder().setCollectionName(collection).setPartitionName(partition)
                .setRowBased(false).addAllFiles(files);
        if (hasDatabase()) {
            r.setDbName(database);
        }
        ImportResponse resp = once().import_(r.build());
        statuses.handleResponse("import into " + collection + "/" + partition, resp.getStatus());
        return resp.getTasksList();
    }

    GetImportStateResponse importState(long task) {
        GetImportStateResponse r = once().getImportState(GetImportStateRequest.newBuilder().setTask(task).build());
        statuses.handleResponse("get the state of import task " + task, r.getStatus());
        return r;
    }

    /** Every import task the server keeps for {@code collection} (gRPC ListImportTasks, no limit). */
    List<GetImportStateResponse> importsOf(String collection) {
        ListImportTasksRequest.Builder r = ListImportTasksRequest.newBuilder().setCollectionName(collection);
        if (hasDatabase()) {
            r.setDbName(database);
        }
        var resp = once().listImportTasks(r.build());
        statuses.handleResponse("list the import tasks of " + collection, resp.getStatus());
        return resp.getTasksList();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
