package org.inwardportal.relay.srtp;

/**
 * The DTLS-SRTP protection profiles the relay offers (RFC 5764 §4.1.2, RFC 7714 §14.2), in order
 * of preference.
 */
public enum SrtpProfile {
    /** RFC 7714: AES-128-GCM, 12-byte salt, 16-byte tag. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16),
    /** RFC 3711: AES-128 counter mode, HMAC-SHA1 tag truncated to 80 bits. */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10);

    public final int id;
    public final int keyBytes;
    public final int saltBytes;
    public final int tagBytes;

    SrtpProfile(int id, int keyBytes, int saltBytes, int tagBytes) {
        this.id = id;
        this.keyBytes = keyBytes;
        this.saltBytes = saltBytes;
        this.tagBytes = tagBytes;
    }

    /**
     * The relay's default order: AES-CM first. Both are about as fast here, but JCE's GCM allocates
     * about 1 KB per packet (a parameter object and its internal state per init) where the AES-CM
     * path allocates nothing (bench/README.md).
     */
    public static final java.util.List<SrtpProfile> PREFERENCE = java.util.List.of(AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM);

    public static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) if (p.id == id) return p;
        return null;
    }

    public boolean aead() {
        return this == AEAD_AES_128_GCM;
    }
}
