package org.recallctl.milvus;

import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.InsertRequest;
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

/**
 * The build's write RPCs, columnar inserts and bulk import, over the SDK's generated blocking stub ({@link InsertColumns}), on a channel of the SDK's
 * own making ({@link ClientUtils#getChannel}: same TLS, token and database header), as AsyncSearchChannel does
 * for searches; the answer's status is checked by the SDK's own rule ({@link RpcUtils#handleResponse}).
 *
 * <p>Each attempt has the configured RPC deadline. Only a server that is not reachable (UNAVAILABLE: the
 * request did not get through) is retried, within milvus.max_retries and milvus.max_retry_ms; anything else
 * fails at once, as the SDK does for inserts. A retried insert that had in fact landed duplicates rows, which
 * the post-build check's exact per-partition count catches.
 */
final class WriteChannel implements AutoCloseable {
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
        long giveUp = System.nanoTime() + maxRetryMs * 1_000_000L;
        long backoff = 100;
        for (int attempt = 0; ; attempt++) {
            try {
                var s = deadlineMs > 0 ? stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS) : stub;
                MutationResult r = s.insert(request);
                statuses.handleResponse("insert into " + collection + "/" + partition, r.getStatus());
                if (r.getInsertCnt() != columns.rows()) {
                    throw new IllegalStateException("the server took " + r.getInsertCnt() + " of " + columns.rows()
                            + " rows");
                }
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt >= maxRetries
                        || System.nanoTime() + backoff * 1_000_000L > giveUp) {
                    throw e;
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.recallctl.error.RecallctlException(130, "interrupted while retrying an insert", e);
            }
            backoff = Math.min(2_000, backoff * 2);
        }
    }

    private MilvusServiceGrpc.MilvusServiceBlockingStub once() {
        return deadlineMs > 0 ? stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS) : stub;
    }

    /** Starts one import job of {@code files} into one partition (gRPC Import); returns its task ids. */
    List<Long> startImport(String collection, String partition, List<String> files) {
        ImportRequest.Builder r = ImportRequest.newBuilder().setCollectionName(collection).setPartitionName(partition)
                .setRowBased(false).addAllFiles(files);
        if (database != null && !database.isEmpty()) {
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

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
