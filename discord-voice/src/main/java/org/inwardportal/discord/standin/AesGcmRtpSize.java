package org.inwardportal.discord.standin;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** {@code aead_aes256_gcm_rtpsize}: AES-256-GCM, 12-byte nonce = counter || 8 zero bytes. */
final class AesGcmRtpSize implements TransportCipher {
    static final String MODE = "aead_aes256_gcm_rtpsize";
    private final SecretKeySpec key;

    AesGcmRtpSize(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public String mode() {
        return MODE;
    }

    private static byte[] nonce(int counter) {
        return ByteBuffer.allocate(12).putInt(counter).array();
    }

    @Override
    public byte[] encrypt(int counter, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(counter)));
        c.updateAAD(aad);
        return c.doFinal(plaintext);
    }

    @Override
    public byte[] decrypt(int counter, byte[] packet, int aadLength, int end) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(counter)));
        c.updateAAD(packet, 0, aadLength);
        return c.doFinal(Arrays.copyOfRange(packet, aadLength, end));
    }
}
