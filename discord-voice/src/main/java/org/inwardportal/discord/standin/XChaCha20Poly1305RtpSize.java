package org.inwardportal.discord.standin;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.Pack;

/**
 * {@code aead_xchacha20_poly1305_rtpsize}: XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) with a
 * 24-byte nonce = counter || 20 zero bytes. Built here from HChaCha20 (§2.2) and BouncyCastle's
 * RFC 8439 ChaCha20-Poly1305, independently of the library JDA uses, so the two check each other.
 */
final class XChaCha20Poly1305RtpSize implements TransportCipher {
    static final String MODE = "aead_xchacha20_poly1305_rtpsize";
    private static final int[] SIGMA = Pack.littleEndianToInt("expand 32-byte k".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
    private final byte[] key;

    XChaCha20Poly1305RtpSize(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("XChaCha20 needs a 32-byte key");
        }
        this.key = key.clone();
    }

    @Override
    public String mode() {
        return MODE;
    }

    /** HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): 20 rounds, no final addition, words 0-3 and 12-15. */
    static byte[] hChaCha20(byte[] key, byte[] nonce16) {
        int[] state = new int[16];
        System.arraycopy(SIGMA, 0, state, 0, 4);
        Pack.littleEndianToInt(key, 0, state, 4, 8);
        Pack.littleEndianToInt(nonce16, 0, state, 12, 4);
        int[] x = new int[16];
        ChaChaEngine.chachaCore(20, state, x); // adds the input back at the end; undone below
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            Pack.intToLittleEndian(x[i] - state[i], out, 4 * i);
            Pack.intToLittleEndian(x[12 + i] - state[12 + i], out, 16 + 4 * i);
        }
        return out;
    }

    private ChaCha20Poly1305 cipher(boolean encrypt, byte[] nonce24, byte[] aad, int aadOff, int aadLen) {
        byte[] sub = new byte[16];
        System.arraycopy(nonce24, 0, sub, 0, 16);
        byte[] subKey = hChaCha20(key, sub);
        byte[] nonce12 = new byte[12];
        System.arraycopy(nonce24, 16, nonce12, 4, 8);
        byte[] ad = new byte[aadLen];
        System.arraycopy(aad, aadOff, ad, 0, aadLen);
        ChaCha20Poly1305 c = new ChaCha20Poly1305();
        c.init(encrypt, new AEADParameters(new KeyParameter(subKey), TAG_BYTES * 8, nonce12, ad));
        return c;
    }

    static byte[] nonce(int counter) {
        return ByteBuffer.allocate(24).putInt(counter).array();
    }

    byte[] encrypt(byte[] nonce24, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        ChaCha20Poly1305 c = cipher(true, nonce24, aad, 0, aad.length);
        byte[] out = new byte[c.getOutputSize(plaintext.length)];
        int n = c.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new GeneralSecurityException(e);
        }
        return out;
    }

    @Override
    public byte[] encrypt(int counter, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        return encrypt(nonce(counter), aad, plaintext);
    }

    @Override
    public byte[] decrypt(int counter, byte[] packet, int aadLength, int end) throws GeneralSecurityException {
        ChaCha20Poly1305 c = cipher(false, nonce(counter), packet, 0, aadLength);
        byte[] out = new byte[c.getOutputSize(end - aadLength)];
        int n = c.processBytes(packet, aadLength, end - aadLength, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new GeneralSecurityException("authentication failed", e);
        }
        return out;
    }
}
