package org.recallctl.source;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import com.mysql.cj.conf.ConnectionUrl;
import com.mysql.cj.conf.HostInfo;
import org.recallctl.config.RecallConfig;
import org.recallctl.tls.PemTrust;
import org.recallctl.tls.TlsProbe;

/**
 * Why a TLS connection to MySQL failed when Connector/J only says "broken pipe": with TLS 1.3 a server that
 * refuses the client certificate closes the connection after the handshake, and the driver writes its login
 * before it reads the alert. The probe does what the driver does up to TLS (read the server's greeting, send an
 * SSLRequest packet), then the handshake with recallctl's CA and certificate, then reads once for the alert.
 */
final class MysqlTlsProbe {
    // capability flags of the SSLRequest packet: CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL |
    // CLIENT_SECURE_CONNECTION (the protocol's "Protocol::SSLRequest")
    private static final int CAPABILITIES = 0x1 | 0x200 | 0x800 | 0x8000;
    private static final int UTF8MB4 = 45;

    private MysqlTlsProbe() {
    }

    /**
     * The certificate problem with {@code ctx} (the connection's own CA and client certificate), or empty (a URL
     * it cannot read, or nothing refused).
     */
    static Optional<String> problem(RecallConfig.Source s, SSLContext ctx) {
        HostInfo host;
        try {
            host = ConnectionUrl.getConnectionUrlInstance(s.jdbcUrl(), new Properties()).getMainHost();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        SSLParameters params = s.sslMode().filter("VERIFY_CA"::equalsIgnoreCase).isPresent()
                ? new SSLParameters() : PemTrust.verifyingHostName();
        // after a good handshake the server waits for the login: the read waits for a refusal a second or two
        return TlsProbe.problem(ctx, host.getHost(),
                host.getPort(), Math.min(2000, Math.max(500, s.connectTimeoutMs())), params, s.mutualTls(),
                MysqlTlsProbe::requestTls);
    }

    /** Reads the server's greeting (packet 0) and answers with an SSLRequest (packet 1). */
    private static void requestTls(Socket plain) throws IOException {
        DataInputStream in = new DataInputStream(plain.getInputStream());
        byte[] header = new byte[4];
        in.readFully(header);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        byte[] greeting = new byte[length];
        in.readFully(greeting);
        if (length == 0 || greeting[0] == (byte) 0xff) {
            throw new IOException("the server refused the connection before TLS");
        }
        byte[] packet = new byte[4 + 32];
        packet[0] = 32; // payload length (3 bytes, little-endian), then the sequence number 1
        packet[3] = 1;
        putInt(packet, 4, CAPABILITIES);
        putInt(packet, 8, 1 << 24); // max packet size
        packet[12] = UTF8MB4; // then 23 filler bytes of zero
        OutputStream out = plain.getOutputStream();
        out.write(packet);
        out.flush();
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
