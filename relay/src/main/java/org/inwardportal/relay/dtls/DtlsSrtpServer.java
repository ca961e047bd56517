package org.inwardportal.relay.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpProfile;

/**
 * The relay's side of DTLS-SRTP (RFC 5764): DTLS 1.2 server (the relay answers {@code setup:passive}),
 * ECDHE-ECDSA suites, a client certificate required and checked against the fingerprint from the
 * peer's SDP (RFC 8122 §5), the use_srtp extension negotiated (RFC 5764 §4.1), and the SRTP keys
 * taken from the exporter (RFC 5764 §4.2) when the handshake completes.
 */
final class DtlsSrtpServer extends DefaultTlsServer {
    private static final int[] SUITES = {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;

    private final DtlsIdentity identity;
    private final String expectedRemoteFingerprint;
    private final java.util.List<SrtpProfile> preference;
    private SrtpProfile profile;
    private volatile SrtpKeys[] keys;

    DtlsSrtpServer(DtlsIdentity identity, String expectedRemoteFingerprint, java.util.List<SrtpProfile> preference) {
        super(new BcTlsCrypto(new SecureRandom()));
        this.identity = identity;
        this.expectedRemoteFingerprint = expectedRemoteFingerprint;
        this.preference = java.util.List.copyOf(preference);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return HANDSHAKE_TIMEOUT_MS;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return identity.signer(context, (BcTlsCrypto) getCrypto());
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the peer sent no certificate");
        }
        String actual = DtlsIdentity.fingerprint(clientCertificate.getCertificateAt(0).getEncoded());
        if (!DtlsIdentity.sameFingerprint(actual, expectedRemoteFingerprint)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "certificate fingerprint does not match the SDP");
        }
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no use_srtp extension");
        }
        for (SrtpProfile p : preference) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == p.id) {
                    profile = p;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {profile.id}, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (profile.keyBytes + profile.saltBytes));
        keys = SrtpKeys.fromKeyingMaterial(profile, material);
    }

    /** [what the client (peer) sends, what the server (relay) sends], once the handshake is done. */
    SrtpKeys[] keys() {
        return keys;
    }

    SrtpProfile profile() {
        return profile;
    }
}
