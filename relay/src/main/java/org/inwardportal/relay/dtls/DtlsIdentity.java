package org.inwardportal.relay.dtls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The relay's DTLS identity: an ECDSA P-256 key and self-signed certificate made at start-up
 * (WebRTC authenticates DTLS by the certificate fingerprint in the SDP, RFC 8122 §5, not by a CA).
 */
public final class DtlsIdentity {
    private final byte[] certificateDer;
    private final AsymmetricKeyParameter privateKey;
    private final String fingerprint;

    public DtlsIdentity() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = gen.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=inward-portal");
            X509CertificateHolder cert = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            certificateDer = cert.getEncoded();
            privateKey = PrivateKeyFactory.createKey(kp.getPrivate().getEncoded());
            fingerprint = fingerprint(certificateDer);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the DTLS certificate", e);
        }
    }

    /** SHA-256 fingerprint as SDP writes it (RFC 8122 §5): upper-case hex pairs joined by colons. */
    public static String fingerprint(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** "sha-256 AB:CD:..." for {@code a=fingerprint:}. */
    public String sdpFingerprint() {
        return "sha-256 " + fingerprint;
    }

    public String fingerprint() {
        return fingerprint;
    }

    byte[] certificateDer() {
        return certificateDer;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** BouncyCastle signing credentials (ECDSA with SHA-256) for a handshake in {@code context}. */
    org.bouncycastle.tls.TlsCredentialedSigner signer(org.bouncycastle.tls.TlsContext context,
                                                      org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto crypto) throws java.io.IOException {
        org.bouncycastle.tls.crypto.TlsCertificate cert = crypto.createCertificate(certificateDer);
        return new org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner(
                new org.bouncycastle.tls.crypto.TlsCryptoParameters(context), crypto, privateKey,
                new org.bouncycastle.tls.Certificate(new org.bouncycastle.tls.crypto.TlsCertificate[] {cert}),
                org.bouncycastle.tls.SignatureAndHashAlgorithm.getInstance(org.bouncycastle.tls.HashAlgorithm.sha256,
                        org.bouncycastle.tls.SignatureAlgorithm.ecdsa));
    }

    /** Compares fingerprints as SDP peers write them (case and colons vary). */
    public static boolean sameFingerprint(String a, String b) {
        return a != null && b != null && a.replace(":", "").toLowerCase(Locale.ROOT).equals(b.replace(":", "").toLowerCase(Locale.ROOT));
    }
}
