package org.inwardportal.relay.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3.1) with the AES-CM PRF (§4.3.3) and a key
 * derivation rate of 0. GCM profiles use the same KDF with their 96-bit master salt zero-extended
 * to 112 bits (RFC 7714 §11; libsrtp does the same).
 */
public final class SrtpKeyDerivation {
    public static final int LABEL_RTP_ENCRYPTION = 0;
    public static final int LABEL_RTP_AUTH = 1;
    public static final int LABEL_RTP_SALT = 2;
    public static final int LABEL_RTCP_ENCRYPTION = 3;
    public static final int LABEL_RTCP_AUTH = 4;
    public static final int LABEL_RTCP_SALT = 5;

    private SrtpKeyDerivation() {
    }

    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        // x = (label || r) XOR master_salt, with r = 0; the AES-CM IV is x * 2^16.
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, Math.min(14, masterSalt.length));
        iv[7] ^= (byte) label;
        try {
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            byte[] out = new byte[length];
            byte[] block = new byte[16];
            for (int counter = 0, at = 0; at < length; counter++, at += 16) {
                iv[14] = (byte) (counter >>> 8);
                iv[15] = (byte) counter;
                ecb.doFinal(iv, 0, 16, block, 0);
                System.arraycopy(block, 0, out, at, Math.min(16, length - at));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is part of every JDK", e);
        }
    }
}
