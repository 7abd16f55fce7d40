package org.recallctl.milvus;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.SearchResults;
import io.milvus.shaded.io.grpc.ManagedChannel;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.response.SearchResp;
import io.milvus.v2.utils.ClientUtils;
import io.milvus.v2.utils.ConvertUtils;
import io.milvus.v2.utils.RpcUtils;
import io.milvus.v2.utils.VectorUtils;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Searches that do not block a thread while the server works. A fan-out over P partitions with blocking calls
 * needs P threads, and on a small machine waking them costs more than the merge (docs/benchmarks.md, "Search").
 * Here the caller's thread sends every request, gRPC's transport thread decodes each answer as it lands, and
 * the caller wakes once.
 *
 * <p>SDK 2.6.22's V2 client has no async search (2.6.24 added one, which the registry here does not serve), so
 * this sends the SDK's own request ({@link VectorUtils}) over its generated future stub, and checks and decodes
 * the answer with the SDK's own code ({@link RpcUtils}, {@link ConvertUtils}): the wire format and the error
 * rules stay the SDK's. The channel is the SDK's
 * too ({@link ClientUtils#getChannel}: same TLS, token and database header), a second connection beside the
 * blocking client's. No {@code waitForReady}: a partition on a server that is down fails at once instead of
 * holding the query until its deadline.
 */
final class AsyncSearchChannel implements AutoCloseable {
    private final ManagedChannel channel;
    private final MilvusServiceGrpc.MilvusServiceFutureStub stub;
    private final VectorUtils requests = new VectorUtils();
    private final ConvertUtils responses = new ConvertUtils();
    private final RpcUtils statuses = new RpcUtils();

    AsyncSearchChannel(ConnectConfig config) {
        this.channel = new ClientUtils().getChannel(config);
        // Decode on the transport thread (grpc special-cases guava's direct executor): no hand-off per answer.
        this.stub = MilvusServiceGrpc.newFutureStub(channel).withExecutor(MoreExecutors.directExecutor());
    }

    /**
     * Sends one search and returns at once. On the transport thread, a failed status throws as in the blocking
     * client ({@link RpcUtils#handleResponse}), and the answer goes through {@code convert}; any failure goes
     * through {@code failure} before it fails the future. Cancelling the future cancels the call on the wire.
     */
    <T> CompletableFuture<T> search(SearchReq req, long deadlineMs,
                                    Function<List<List<SearchResp.SearchResult>>, T> convert,
                                    Function<Throwable, ? extends RuntimeException> failure) {
        ListenableFuture<SearchResults> call = stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                .search(requests.ConvertToGrpcSearchRequest(req));
        CompletableFuture<T> out = new CompletableFuture<>();
        call.addListener(() -> {
            try {
                SearchResults r = call.get(); // done: does not block
                statuses.handleResponse("search " + req.getCollectionName(), r.getStatus());
                out.complete(convert.apply(responses.getEntities(r)));
            } catch (ExecutionException e) {
                out.completeExceptionally(failure.apply(e.getCause()));
            } catch (InterruptedException | RuntimeException e) {
                out.completeExceptionally(failure.apply(e));
            }
        }, MoreExecutors.directExecutor());
        out.whenComplete((r, t) -> {
            if (out.isCancelled()) {
                call.cancel(true);
            }
        });
        return out;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
