package org.inwardportal.relay.dtls;

import java.io.IOException;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's DTLS server on a virtual thread (BouncyCastle's DTLS is blocking): the
 * handshake with retransmission and a timeout, then a read loop that answers the peer's
 * retransmitted final flight and notices close_notify. Results come back through callbacks.
 */
public final class DtlsHandshake {
    private static final Logger log = LoggerFactory.getLogger(DtlsHandshake.class);

    /** Keys of a completed handshake: {@code inbound} unprotects what the peer sends; {@code outbound} protects ours. */
    public record Result(SrtpKeys inbound, SrtpKeys outbound) {
    }

    private final DatagramChannelTransport transport;
    private final DtlsSrtpServer server;
    private volatile Thread thread;
    private volatile DTLSTransport dtls;

    public DtlsHandshake(DtlsIdentity identity, String remoteFingerprint, DatagramChannelTransport transport) {
        this(identity, remoteFingerprint, transport, SrtpProfile.PREFERENCE);
    }

    /** @param preference SRTP profiles in the order the relay prefers them (the first the peer offers wins) */
    public DtlsHandshake(DtlsIdentity identity, String remoteFingerprint, DatagramChannelTransport transport,
                         java.util.List<SrtpProfile> preference) {
        this.transport = transport;
        this.server = new DtlsSrtpServer(identity, remoteFingerprint, preference);
    }

    public void start(String name, Consumer<Result> onKeys, Consumer<String> onFailure, Runnable onClosed) {
        thread = Thread.ofVirtual().name("dtls-" + name).start(() -> {
            try {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // ICE connectivity checks already proved the address; a cookie exchange adds a round trip for nothing.
                protocol.setVerifyRequests(false);
                dtls = protocol.accept(server, transport);
                SrtpKeys[] k = server.keys();
                onKeys.accept(new Result(k[0], k[1]));
            } catch (TlsFatalAlert e) {
                onFailure.accept("DTLS handshake failed: " + e.getMessage());
                return;
            } catch (IOException e) {
                onFailure.accept("DTLS handshake failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                return;
            } catch (RuntimeException e) {
                onFailure.accept("DTLS handshake failed: " + e);
                return;
            }
            byte[] buf = new byte[2048];
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    // Keeps answering retransmitted final flights; data channels are not supported, so data is dropped.
                    dtls.receive(buf, 0, buf.length, 1000);
                }
            } catch (IOException e) {
                log.debug("dtls {} closed: {}", name, e.toString());
            }
            onClosed.run();
        });
    }

    public void close() {
        transport.close();
        Thread t = thread;
        if (t != null) t.interrupt();
        DTLSTransport d = dtls;
        if (d != null) {
            try {
                d.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
