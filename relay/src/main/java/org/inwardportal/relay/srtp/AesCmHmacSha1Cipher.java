package org.inwardportal.relay.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1). Counter mode is built on AES-ECB over
 * counter blocks so the cipher is initialised once per key, not per packet: nothing is allocated
 * per packet.
 */
final class AesCmHmacSha1Cipher implements SrtpCipher {
    static final int TAG = 10;
    private final Cipher rtpEcb;
    private final Cipher rtcpEcb;
    private final HmacSha1 rtpMac;
    private final HmacSha1 rtcpMac;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] counters = new byte[SrtpTransformer.MAX_PACKET + 16];
    private final byte[] keystream = new byte[SrtpTransformer.MAX_PACKET + 16];
    private final byte[] mac = new byte[20];
    private final byte[] roc = new byte[4];

    AesCmHmacSha1Cipher(SrtpKeys keys) {
        try {
            rtpEcb = ecb(keys.rtpKey());
            rtcpEcb = ecb(keys.rtcpKey());
            rtpMac = new HmacSha1(keys.rtpAuth());
            rtcpMac = new HmacSha1(keys.rtcpAuth());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        rtpSalt = keys.rtpSalt();
        rtcpSalt = keys.rtcpSalt();
    }

    private static Cipher ecb(byte[] key) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return c;
    }

    @Override
    public int tagBytes() {
        return TAG;
    }

    /** IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), RFC 3711 §4.1.1; XORs the keystream in. */
    private void crypt(Cipher ecb, byte[] salt, byte[] buf, int from, int to, int ssrc, long index) {
        int n = to - from;
        if (n <= 0) return;
        int blocks = (n + 15) >>> 4;
        for (int b = 0; b < blocks; b++) {
            int o = b << 4;
            System.arraycopy(salt, 0, counters, o, 14);
            counters[o + 4] ^= (byte) (ssrc >>> 24);
            counters[o + 5] ^= (byte) (ssrc >>> 16);
            counters[o + 6] ^= (byte) (ssrc >>> 8);
            counters[o + 7] ^= (byte) ssrc;
            counters[o + 8] ^= (byte) (index >>> 40);
            counters[o + 9] ^= (byte) (index >>> 32);
            counters[o + 10] ^= (byte) (index >>> 24);
            counters[o + 11] ^= (byte) (index >>> 16);
            counters[o + 12] ^= (byte) (index >>> 8);
            counters[o + 13] ^= (byte) index;
            counters[o + 14] = (byte) (b >>> 8);
            counters[o + 15] = (byte) b;
        }
        try {
            ecb.update(counters, 0, blocks << 4, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < n; i++) buf[from + i] ^= keystream[i];
    }

    private void tag(HmacSha1 m, byte[] buf, int end, boolean withRoc, long index) {
        m.update(buf, 0, end);
        if (withRoc) {
            int r = (int) (index >>> 16);
            roc[0] = (byte) (r >>> 24);
            roc[1] = (byte) (r >>> 16);
            roc[2] = (byte) (r >>> 8);
            roc[3] = (byte) r;
            m.update(roc, 0, 4);
        }
        m.doFinal(mac, 0);
    }

    private boolean tagMatches(byte[] buf, int at) {
        int diff = 0;
        for (int i = 0; i < TAG; i++) diff |= mac[i] ^ buf[at + i];
        return diff == 0;
    }

    @Override
    public void protectRtp(byte[] buf, int payloadAt, int end, int ssrc, long index) {
        crypt(rtpEcb, rtpSalt, buf, payloadAt, end, ssrc, index);
        tag(rtpMac, buf, end, true, index);
        System.arraycopy(mac, 0, buf, end, TAG);
    }

    @Override
    public boolean unprotectRtp(byte[] buf, int payloadAt, int end, int ssrc, long index) {
        tag(rtpMac, buf, end, true, index);
        if (!tagMatches(buf, end)) return false;
        crypt(rtpEcb, rtpSalt, buf, payloadAt, end, ssrc, index);
        return true;
    }

    @Override
    public int protectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex) {
        crypt(rtcpEcb, rtcpSalt, buf, 8, length, ssrc, srtcpIndex & 0x7fffffffL);
        int e = srtcpIndex | 0x80000000; // E flag: encrypted
        buf[length] = (byte) (e >>> 24);
        buf[length + 1] = (byte) (e >>> 16);
        buf[length + 2] = (byte) (e >>> 8);
        buf[length + 3] = (byte) e;
        tag(rtcpMac, buf, length + 4, false, 0);
        System.arraycopy(mac, 0, buf, length + 4, TAG);
        return length + 4 + TAG;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex) {
        int authEnd = length - TAG;
        tag(rtcpMac, buf, authEnd, false, 0);
        if (!tagMatches(buf, authEnd)) return -1;
        int plainEnd = authEnd - 4;
        if ((buf[plainEnd] & 0x80) != 0) {
            crypt(rtcpEcb, rtcpSalt, buf, 8, plainEnd, ssrc, srtcpIndex & 0x7fffffffL);
        }
        return plainEnd;
    }

    @Override
    public int rtcpTrailerAt(int length) {
        return length - TAG - 4;
    }
}
