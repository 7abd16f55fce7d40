package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.shaded.io.grpc.Status;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import org.junit.jupiter.api.Test;
import org.recallctl.error.DependencyException;
import org.recallctl.error.RecallctlException;

/**
 * "No such alias" is the only failure reading an alias that means "no alias" (issue 10 §3): an auth or
 * permission error must stay an error. And the two texts issue 14 §5 quotes, as the shaded gRPC and the SDK really build them (the SDK's retry loop keeps
 * only the message, no cause); OperatorOutputIT shows the same rules on real stopped and hung servers.
 */
class MilvusErrorsTest {
    private static final String URI = "http://milvus.internal:19530";
    private static final String TOKEN = "milvus.token / RECALLCTL_MILVUS_TOKEN / milvus.token_file";

    @Test
    void aDeadlineDumpBecomesNoAnswerWithinTheDeadline() {
        var grpc = Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 1.994124276s. Name resolution "
                + "delay 0.000000000 seconds. [closed=[], open=[[wait_for_ready, buffered_nanos=1994573912, "
                + "waiting_for_connection]]]").asRuntimeException();
        RecallctlException e = MilvusErrors.translate(grpc, URI, "search items_1/p0", 0, TOKEN);
        assertThat(e).isInstanceOf(DependencyException.class).hasCause(grpc);
        assertThat(e.getMessage()).isEqualTo("Milvus unreachable at " + URI + " (search items_1/p0): no answer "
                + "within 2.0 s; is it up? check milvus.write_uri / milvus.read_uri");
        assertThat(MilvusErrors.translate(grpc, URI, "connect", 5000, TOKEN).getMessage()).contains("no answer within 5.0 s");
    }

    @Test
    void theSdksRetryTextBecomesWhatHappenedAndHowLongItTried() {
        var sdk = new MilvusClientException(ErrorCode.RPC_ERROR,
                "Retry timeout: 10000ms, maxRetry:4, retries: 1, reason: UNAVAILABLE: Keepalive failed");
        assertThat(MilvusErrors.translate(sdk, URI, "insert 2000 rows into items_1/p3", 0, TOKEN).getMessage())
                .isEqualTo("Milvus unreachable at " + URI + " (insert 2000 rows into items_1/p3): the connection "
                        + "stopped answering (keepalive failed), gave up after 1 retry in 10.0 s; is it up? check "
                        + "milvus.write_uri / milvus.read_uri");
    }

    @Test
    void aRefusedConnectionSaysSo() {
        var grpc = Status.UNAVAILABLE.withDescription("io exception").withCause(
                new java.net.ConnectException("Connection refused: /127.0.0.1:9")).asRuntimeException();
        assertThat(MilvusErrors.translate(grpc, URI, "list collections", 0, TOKEN).getMessage())
                .contains("(list collections): connection refused; is it up?");
    }

    @Test
    void aServerAnswerKeepsItsWordsWithoutStateDumps() {
        var sdk = new MilvusClientException(ErrorCode.SERVER_ERROR, "collection not loaded [closed=[], open=[[x]]]");
        assertThat(MilvusErrors.translate(sdk, URI, "search items_1", 0, TOKEN).getMessage())
                .isEqualTo("Milvus at " + URI + " failed to search items_1: collection not loaded");
    }

    @Test
    void aliasNotFoundIsNotFound() {
        assertThat(MilvusErrors.isNotFound(new MilvusClientException(ErrorCode.SERVER_ERROR,
                "alias 'x' does not exist", 100, 100))).isTrue();
        assertThat(MilvusErrors.isNotFound(new MilvusClientException(ErrorCode.SERVER_ERROR,
                "alias not found[database=default][alias=x]", 1602, 1602))).isTrue();
    }

    @Test
    void authPermissionAndTransportErrorsAreNotNotFound() {
        assertThat(MilvusErrors.isNotFound(new MilvusClientException(ErrorCode.RPC_ERROR,
                "PERMISSION_DENIED: privilege not found for user reader", 0, 0))).isFalse();
        assertThat(MilvusErrors.isNotFound(new MilvusClientException(ErrorCode.RPC_ERROR,
                "UNAUTHENTICATED: auth check failure, please check username and password", 0, 0))).isFalse();
        assertThat(MilvusErrors.isNotFound(new MilvusClientException(ErrorCode.RPC_ERROR,
                "UNAVAILABLE: io exception", 0, 0))).isFalse();
    }

    /** A name that contains "auth", "denied" or "privilege" is still a name: found on the full engine (MilvusAuthIT). */
    @Test
    void anAliasWhoseNameContainsAuthIsStillNotFound() {
        assertThat(MilvusErrors.isNotFound(new MilvusClientException(ErrorCode.SERVER_ERROR,
                "alias not found[database=default][alias=auth_1cf3e067_serving]", 1602, 1602))).isTrue();
        assertThat(MilvusErrors.isNotFound(new MilvusClientException(ErrorCode.SERVER_ERROR,
                "alias not found[database=default][alias=denied_privilege_permission]", 1602, 1602))).isTrue();
    }

    @Test
    void aRefusedTokenIsMilvusRefusedTheTokenNeverUnreachable() {
        var wrong = new MilvusClientException(ErrorCode.RPC_ERROR, "Encounter rpc error that cannot be retried, reason: "
                + "io.milvus.shaded.io.grpc.StatusRuntimeException: UNAUTHENTICATED: auth check failure, please check "
                + "username and password are correct", 0, 0);
        assertThat(MilvusErrors.translate(wrong, URI, "connect", 0, TOKEN).getMessage()).isEqualTo("Milvus refused the token at "
                + URI + " (connect): auth check failure, please check username and password are correct; check "
                + "milvus.token / RECALLCTL_MILVUS_TOKEN / milvus.token_file (user:password)");
        assertThat(MilvusErrors.translate(wrong, URI, "connect", 0, TOKEN).exitCode()).isEqualTo(4);
    }

    @Test
    void aMissingPrivilegeIsNamedWithTheUser() {
        var denied = new MilvusClientException(ErrorCode.RPC_ERROR, "Encounter rpc error that cannot be retried, reason: "
                + "io.milvus.shaded.io.grpc.StatusRuntimeException: PERMISSION_DENIED: PrivilegeCreateCollection: "
                + "permission deny to recallctl_reader", 0, 0);
        assertThat(MilvusErrors.translate(denied, URI, "create collection items_2", 0, TOKEN).getMessage()).isEqualTo("Milvus at "
                + URI + " refused to create collection items_2: user recallctl_reader lacks the privilege CreateCollection"
                + " (PERMISSION_DENIED); grant it to the user's role or use a token with the write role (README "
                + "\"Authenticated Milvus\")");
        assertThat(MilvusErrors.isNotFound(denied)).isFalse();
    }
}
