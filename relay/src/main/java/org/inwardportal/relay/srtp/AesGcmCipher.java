package org.inwardportal.relay.srtp;

/**
 * AEAD_AES_128_GCM (RFC 7714): RTP IV = salt XOR (0x0000 || SSRC || ROC || SEQ) (§8.1), AAD = the
 * RTP header; SRTCP IV = salt XOR (0x0000 || SSRC || 0x0000 || index) (§9.1), AAD = the 8-byte
 * RTCP header and the E||index trailer, which follows the tag. Runs on {@link AesGcm}, so nothing
 * is allocated per packet.
 */
final class AesGcmCipher implements SrtpCipher {
    static final int TAG = AesGcm.TAG;
    private final AesGcm rtp;
    private final AesGcm rtcp;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] iv = new byte[12];
    private final byte[] rtcpAad = new byte[12];

    AesGcmCipher(SrtpKeys keys) {
        rtp = new AesGcm(keys.rtpKey());
        rtcp = new AesGcm(keys.rtcpKey());
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
        rtp.seal(iv, buf, 0, payloadAt, buf, payloadAt, end - payloadAt);
    }

    @Override
    public boolean unprotectRtp(byte[] buf, int payloadAt, int end, int ssrc, long index) {
        rtpIv(ssrc, index);
        return rtp.open(iv, buf, 0, payloadAt, buf, payloadAt, end - payloadAt);
    }

    @Override
    public int protectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex) {
        rtcpIv(ssrc, srtcpIndex);
        int e = srtcpIndex | 0x80000000;
        System.arraycopy(buf, 0, rtcpAad, 0, 8);
        rtcpAad[8] = (byte) (e >>> 24);
        rtcpAad[9] = (byte) (e >>> 16);
        rtcpAad[10] = (byte) (e >>> 8);
        rtcpAad[11] = (byte) e;
        rtcp.seal(iv, rtcpAad, 0, 12, buf, 8, length - 8);
        System.arraycopy(rtcpAad, 8, buf, length + TAG, 4);
        return length + TAG + 4;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex) {
        int trailerAt = length - 4;
        if ((buf[trailerAt] & 0x80) == 0) return -1; // unencrypted SRTCP under GCM: not accepted
        int cipherEnd = trailerAt - TAG;
        if (cipherEnd < 8) return -1;
        rtcpIv(ssrc, srtcpIndex);
        System.arraycopy(buf, 0, rtcpAad, 0, 8);
        System.arraycopy(buf, trailerAt, rtcpAad, 8, 4);
        return rtcp.open(iv, rtcpAad, 0, 12, buf, 8, cipherEnd - 8) ? cipherEnd : -1;
    }

    @Override
    public int rtcpTrailerAt(int length) {
        return length - 4;
    }
}
