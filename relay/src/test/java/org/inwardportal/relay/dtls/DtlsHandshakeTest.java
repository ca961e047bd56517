package org.inwardportal.relay.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

/** The relay's DTLS-SRTP server against a BouncyCastle DTLS-SRTP client, through in-memory datagram pipes. */
class DtlsHandshakeTest {
    private final DtlsIdentity relay = new DtlsIdentity();
    private final DtlsIdentity peer = new DtlsIdentity();

    /** Two transports wired to each other. */
    private static DatagramChannelTransport[] pipe() {
        DatagramChannelTransport[] t = new DatagramChannelTransport[2];
        t[0] = new DatagramChannelTransport(d -> t[1].offer(d));
        t[1] = new DatagramChannelTransport(d -> t[0].offer(d));
        return t;
    }

    @Test
    void bothSidesDeriveTheSameSrtpKeysForEachProfile() throws Exception {
        for (SrtpProfile profile : SrtpProfile.values()) {
            DatagramChannelTransport[] t = pipe();
            CompletableFuture<DtlsHandshake.Result> server = new CompletableFuture<>();
            DtlsHandshake h = new DtlsHandshake(relay, peer.sdpFingerprint().substring(8).toLowerCase(), t[0]);
            h.start("test", server::complete, f -> server.completeExceptionally(new AssertionError(f)), () -> { });
            DtlsSrtpClient client = new DtlsSrtpClient(peer, relay.fingerprint(), profile);
            SrtpKeys[] clientKeys = client.connect(t[1]);
            DtlsHandshake.Result r = server.get(10, TimeUnit.SECONDS);
            assertThat(client.profile()).isEqualTo(profile);
            assertThat(r.inbound().profile()).isEqualTo(profile);
            // What the client sends is what the relay receives, and the other way round.
            assertThat(r.inbound().rtpKey()).isEqualTo(clientKeys[0].rtpKey());
            assertThat(r.inbound().rtpSalt()).isEqualTo(clientKeys[0].rtpSalt());
            assertThat(r.outbound().rtpKey()).isEqualTo(clientKeys[1].rtpKey());
            assertThat(r.outbound().rtcpAuth()).isEqualTo(clientKeys[1].rtcpAuth());
            assertThat(r.inbound().rtpKey()).isNotEqualTo(r.outbound().rtpKey());
            h.close();
        }
    }

    @Test
    void theRelaysPreferenceDecidesWhenThePeerOffersBoth() throws Exception {
        for (var preference : java.util.List.of(SrtpProfile.PREFERENCE, java.util.List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80))) {
            DatagramChannelTransport[] t = pipe();
            CompletableFuture<DtlsHandshake.Result> server = new CompletableFuture<>();
            DtlsHandshake h = new DtlsHandshake(relay, peer.fingerprint(), t[0], preference);
            h.start("pref", server::complete, f -> server.completeExceptionally(new AssertionError(f)), () -> { });
            new DtlsSrtpClient(peer, relay.fingerprint(), SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM).connect(t[1]);
            assertThat(server.get(10, TimeUnit.SECONDS).inbound().profile()).isEqualTo(preference.getFirst());
            h.close();
        }
    }

    @Test
    void aPeerWhoseCertificateDoesNotMatchTheSdpFingerprintIsRefused() throws Exception {
        DatagramChannelTransport[] t = pipe();
        AtomicReference<String> failure = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        DtlsHandshake h = new DtlsHandshake(relay, new DtlsIdentity().fingerprint(), t[0]);
        h.start("mitm", k -> done.complete(null), f -> {
            failure.set(f);
            done.complete(null);
        }, () -> { });
        assertThatThrownBy(() -> new DtlsSrtpClient(peer, relay.fingerprint()).connect(t[1]))
                .isInstanceOf(org.bouncycastle.tls.TlsFatalAlertReceived.class).hasMessageContaining("bad_certificate");
        done.get(10, TimeUnit.SECONDS);
        assertThat(failure.get()).contains("fingerprint does not match");
        h.close();
    }

    @Test
    void garbageInsteadOfAHandshakeTimesOutWithoutKeys() throws Exception {
        DatagramChannelTransport[] t = pipe();
        AtomicReference<String> failure = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        DtlsHandshake h = new DtlsHandshake(relay, peer.fingerprint(), t[0]);
        h.start("garbage", k -> done.complete(null), f -> {
            failure.set(f);
            done.complete(null);
        }, () -> { });
        for (int i = 0; i < 30; i++) t[0].offer(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 1, 2, 3, (byte) i});
        done.get(DtlsSrtpServer.HANDSHAKE_TIMEOUT_MS + 5000, TimeUnit.MILLISECONDS);
        assertThat(failure.get()).startsWith("DTLS handshake failed");
        h.close();
    }
}
