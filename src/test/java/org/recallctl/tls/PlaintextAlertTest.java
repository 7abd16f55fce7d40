package org.recallctl.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The alert a TLS 1.2 server left on the socket, read by hand (a loopback socket pair, no TLS library). */
class PlaintextAlertTest {
    private static Optional<String> readAfterServerSends(byte... bytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            client.setSoTimeout(2000);
            try (Socket peer = server.accept(); OutputStream out = peer.getOutputStream()) {
                out.write(bytes);
            }
            return PlaintextAlert.read(client);
        }
    }

    @Test
    void aFatalUnknownCaAlertIsNamedAsJsseNamesIt() throws Exception {
        assertThat(readAfterServerSends((byte) 21, (byte) 3, (byte) 3, (byte) 0, (byte) 2, (byte) 2, (byte) 48))
                .contains("Received fatal alert: unknown_ca");
        assertThat(TlsProblem.of(new javax.net.ssl.SSLException("Received fatal alert: unknown_ca"), true))
                .hasValueSatisfying(p -> assertThat(p).startsWith("the server rejected the client certificate"));
    }

    @Test
    void anotherRecordOrNothingIsNoAlert() throws Exception {
        // a handshake record (22), an encrypted TLS 1.3 record (23), a short read, an empty close
        assertThat(readAfterServerSends((byte) 22, (byte) 3, (byte) 3, (byte) 0, (byte) 2, (byte) 2, (byte) 48)).isEmpty();
        assertThat(readAfterServerSends((byte) 23, (byte) 3, (byte) 3, (byte) 0, (byte) 19, (byte) 1, (byte) 2)).isEmpty();
        assertThat(readAfterServerSends((byte) 21, (byte) 3, (byte) 3)).isEmpty();
        assertThat(readAfterServerSends()).isEmpty();
    }
}
