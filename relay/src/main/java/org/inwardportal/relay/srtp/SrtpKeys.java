package org.inwardportal.relay.srtp;

/**
 * The session keys of one direction, derived from a master key and salt (from the DTLS exporter,
 * RFC 5764 §4.2).
 */
public record SrtpKeys(SrtpProfile profile, byte[] rtpKey, byte[] rtpAuth, byte[] rtpSalt,
                       byte[] rtcpKey, byte[] rtcpAuth, byte[] rtcpSalt) {

    static final int AUTH_KEY_BYTES = 20;

    public static SrtpKeys derive(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        int authBytes = profile.aead() ? 0 : AUTH_KEY_BYTES;
        return new SrtpKeys(profile,
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, profile.keyBytes),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_AUTH, authBytes),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, profile.saltBytes),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, profile.keyBytes),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_AUTH, authBytes),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT, profile.saltBytes));
    }

    /**
     * Splits DTLS-SRTP keying material (RFC 5764 §4.2: client key, server key, client salt, server
     * salt) into the keys for what the client sends and what the server sends.
     */
    public static SrtpKeys[] fromKeyingMaterial(SrtpProfile profile, byte[] material) {
        int k = profile.keyBytes;
        int s = profile.saltBytes;
        if (material.length != 2 * (k + s)) {
            throw new IllegalArgumentException("keying material must be " + 2 * (k + s) + " bytes for " + profile);
        }
        byte[] clientKey = java.util.Arrays.copyOfRange(material, 0, k);
        byte[] serverKey = java.util.Arrays.copyOfRange(material, k, 2 * k);
        byte[] clientSalt = java.util.Arrays.copyOfRange(material, 2 * k, 2 * k + s);
        byte[] serverSalt = java.util.Arrays.copyOfRange(material, 2 * k + s, 2 * (k + s));
        return new SrtpKeys[] {derive(profile, clientKey, clientSalt), derive(profile, serverKey, serverSalt)};
    }
}
