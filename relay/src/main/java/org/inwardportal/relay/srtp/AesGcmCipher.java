package org.inwardportal.relay.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM (RFC 7714): RTP IV = salt XOR (0x0000 || SSRC || ROC || SEQ) (§8.1), AAD = the
 * RTP header; SRTCP IV = salt XOR (0x0000 || SSRC || 0x0000 || index) (§9.1), AAD = the 8-byte
 * RTCP header and the E||index trailer, which follows the tag. JCE's GCM needs a parameter object
 * per packet (a small allocation the benchmark reports); its GHASH is hardware accelerated.
 */
final class AesGcmCipher implements SrtpCipher {
    static final int TAG = 16;
    private final Cipher cipher;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] iv = new byte[12];
    /** JCE copies input that overlaps its output; a separate output array avoids that per packet. */
    private final byte[] out = new byte[SrtpTransformer.MAX_PACKET + 64];

    AesGcmCipher(SrtpKeys keys) {
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        rtpKey = new SecretKeySpec(keys.rtpKey(), "AES");
        rtcpKey = new SecretKeySpec(keys.rtcpKey(), "AES");
        rtpSalt = keys.rtpSalt();
        rtcpSalt = keys.rtcpSalt();
    }

    @Override
    public int tagBytes() {
        return TAG;
    }

    private void rtpIv(int ssrc, long index) {
        int roc = (int) (index >>> 16);
        iv[0] = rtpSalt[0];
        iv[1] = rtpSalt[1];
        putXor(iv, 2, ssrc, rtpSalt);
        putXor(iv, 6, roc, rtpSalt);
        iv[10] = (byte) (rtpSalt[10] ^ (index >>> 8));
        iv[11] = (byte) (rtpSalt[11] ^ index);
    }

    private void rtcpIv(int ssrc, int srtcpIndex) {
        iv[0] = rtcpSalt[0];
        iv[1] = rtcpSalt[1];
        putXor(iv, 2, ssrc, rtcpSalt);
        iv[6] = rtcpSalt[6];
        iv[7] = rtcpSalt[7];
        putXor(iv, 8, srtcpIndex & 0x7fffffff, rtcpSalt);
    }

    private static void putXor(byte[] out, int at, int v, byte[] salt) {
        out[at] = (byte) (salt[at] ^ (v >>> 24));
        out[at + 1] = (byte) (salt[at + 1] ^ (v >>> 16));
        out[at + 2] = (byte) (salt[at + 2] ^ (v >>> 8));
        out[at + 3] = (byte) (salt[at + 3] ^ v);
    }

    @Override
    public void protectRtp(byte[] buf, int payloadAt, int end, int ssrc, long index) {
        rtpIv(ssrc, index);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, rtpKey, new GCMParameterSpec(128, iv));
            cipher.updateAAD(buf, 0, payloadAt);
            int n = cipher.doFinal(buf, payloadAt, end - payloadAt, out, 0);
            System.arraycopy(out, 0, buf, payloadAt, n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean unprotectRtp(byte[] buf, int payloadAt, int end, int ssrc, long index) {
        rtpIv(ssrc, index);
        try {
            cipher.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(128, iv));
            cipher.updateAAD(buf, 0, payloadAt);
            int n = cipher.doFinal(buf, payloadAt, end + TAG - payloadAt, out, 0);
            System.arraycopy(out, 0, buf, payloadAt, n);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int protectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex) {
        rtcpIv(ssrc, srtcpIndex);
        int e = srtcpIndex | 0x80000000;
        byte[] trailer = {(byte) (e >>> 24), (byte) (e >>> 16), (byte) (e >>> 8), (byte) e};
        try {
            cipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new GCMParameterSpec(128, iv));
            cipher.updateAAD(buf, 0, 8);
            cipher.updateAAD(trailer);
            int n = cipher.doFinal(buf, 8, length - 8, buf, 8);
            System.arraycopy(trailer, 0, buf, 8 + n, 4);
            return 8 + n + 4;
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public int unprotectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex) {
        int trailerAt = length - 4;
        if ((buf[trailerAt] & 0x80) == 0) return -1; // unencrypted SRTCP under GCM: not accepted
        rtcpIv(ssrc, srtcpIndex);
        try {
            cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(128, iv));
            cipher.updateAAD(buf, 0, 8);
            cipher.updateAAD(buf, trailerAt, 4);
            int n = cipher.doFinal(buf, 8, trailerAt - 8, buf, 8);
            return 8 + n;
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int rtcpTrailerAt(int length) {
        return length - 4;
    }
}
