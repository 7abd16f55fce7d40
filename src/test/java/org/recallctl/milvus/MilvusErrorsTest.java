package org.recallctl.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import org.junit.jupiter.api.Test;

/**
 * "No such alias" is the only failure reading an alias that means "no alias" (issue 10 §3): an auth or
 * permission error must stay an error, or a switch would create/move an alias it cannot even see. The texts are
 * the servers' own: milvus-lite 3.2 and Milvus 2.3 (seen on the full-engine stack).
 */
class MilvusErrorsTest {
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
}
