package org.inwardportal.relay.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpProfile;

/**
 * The client side of DTLS-SRTP ({@code setup:active}), as a WebRTC peer runs it against the relay:
 * used by tests and by the load harness's light shard client. Blocking; run it on its own thread.
 */
public final class DtlsSrtpClient extends DefaultTlsClient {
    private final DtlsIdentity identity;
    private final String expectedServerFingerprint;
    private final int[] offeredProfiles;
    private SrtpKeys[] keys;
    private SrtpProfile profile;

    public DtlsSrtpClient(DtlsIdentity identity, String expectedServerFingerprint, SrtpProfile... offered) {
        super(new BcTlsCrypto(new SecureRandom()));
        this.identity = identity;
        this.expectedServerFingerprint = expectedServerFingerprint;
        SrtpProfile[] p = offered.length == 0 ? SrtpProfile.values() : offered;
        this.offeredProfiles = new int[p.length];
        for (int i = 0; i < p.length; i++) offeredProfiles[i] = p[i].id;
    }

    /** Runs the handshake; returns [what the client sends, what the server sends]. */
    public SrtpKeys[] connect(DatagramTransport transport) throws IOException {
        new DTLSClientProtocol().connect(this, transport);
        return keys;
    }

    public SrtpProfile profile() {
        return profile;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA});
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(offeredProfiles, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (chosen == null || chosen.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server chose no single SRTP profile");
        }
        profile = SrtpProfile.byId(chosen.getProtectionProfiles()[0]);
        if (profile == null) throw new TlsFatalAlert(AlertDescription.illegal_parameter, "unknown SRTP profile");
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                String actual = DtlsIdentity.fingerprint(serverCertificate.getCertificate().getCertificateAt(0).getEncoded());
                if (!DtlsIdentity.sameFingerprint(actual, expectedServerFingerprint)) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, "server fingerprint does not match the SDP");
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return identity.signer(context, (BcTlsCrypto) getCrypto());
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (profile.keyBytes + profile.saltBytes));
        keys = SrtpKeys.fromKeyingMaterial(profile, material);
    }
}
