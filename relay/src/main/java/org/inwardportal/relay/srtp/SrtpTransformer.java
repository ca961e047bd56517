package org.inwardportal.relay.srtp;

import io.netty.buffer.ByteBuf;

/**
 * SRTP and SRTCP for one direction of one DTLS-SRTP session (RFC 3711, RFC 7714): protects what
 * the relay sends, or unprotects and replay-checks what it receives. Packets are transformed in
 * place in their Netty buffer (through one scratch array, so heap and direct buffers alike); per
 * SSRC it keeps the rollover counter, the highest index and a 64-packet replay window. Not
 * thread-safe: a session's packets are handled on one event loop.
 */
public final class SrtpTransformer {
    /** Larger packets are refused (no MTU we run on carries more). */
    public static final int MAX_PACKET = 1600;
    static final int REPLAY_WINDOW = 64;
    static final int MAX_SSRCS = 64;

    /** Why a packet was refused; counted by the caller. */
    public enum Result { OK, MALFORMED, REPLAYED, AUTH_FAILED, TOO_MANY_SSRCS }

    private final SrtpCipher cipher;
    private final byte[] scratch = new byte[MAX_PACKET + 64];
    private final SsrcState[] states = new SsrcState[MAX_SSRCS];
    private int stateCount;

    /** Per-SSRC bookkeeping: RTP rollover and replay (RFC 3711 §3.3.1-2), SRTCP index and replay. */
    private static final class SsrcState {
        final int ssrc;
        final ReplayWindow rtp = new ReplayWindow();
        final ReplayWindow srtcp = new ReplayWindow();
        int lastSentSeq = -1;
        int sendRoc;
        int srtcpSendIndex;

        SsrcState(int ssrc) {
            this.ssrc = ssrc;
        }
    }

    /** The highest index accepted and a bitmask of the 64 before it (RFC 3711 §3.3.2). */
    private static final class ReplayWindow {
        boolean seen;
        long highest;
        long bits;

        boolean isReplay(long index) {
            if (!seen || index > highest) return false;
            long delta = highest - index;
            return delta >= REPLAY_WINDOW || (bits & (1L << delta)) != 0;
        }

        /** Marks an authenticated index as seen. */
        void accept(long index) {
            if (!seen) {
                seen = true;
                highest = index;
                bits = 1;
            } else if (index > highest) {
                long shift = index - highest;
                bits = shift >= REPLAY_WINDOW ? 1 : (bits << shift) | 1;
                highest = index;
            } else {
                bits |= 1L << (highest - index);
            }
        }
    }

    public SrtpTransformer(SrtpKeys keys) {
        this.cipher = keys.profile().aead() ? new AesGcmCipher(keys) : new AesCmHmacSha1Cipher(keys);
    }

    public int tagBytes() {
        return cipher.tagBytes();
    }

    private SsrcState state(int ssrc) {
        for (int i = 0; i < stateCount; i++) {
            if (states[i].ssrc == ssrc) return states[i];
        }
        if (stateCount == MAX_SSRCS) return null;
        return states[stateCount++] = new SsrcState(ssrc);
    }

    /** RTP header length (RFC 3550 §5.1, §5.3.1), or -1 if it does not fit in {@code len}. */
    static int rtpHeaderLength(byte[] b, int len) {
        if (len < 12 || (b[0] & 0xC0) != 0x80) return -1;
        int n = 12 + 4 * (b[0] & 0x0f);
        if ((b[0] & 0x10) != 0) {
            if (n + 4 > len) return -1;
            n += 4 + 4 * (((b[n + 2] & 0xff) << 8) | (b[n + 3] & 0xff));
        }
        return n <= len ? n : -1;
    }

    private static int ssrcOf(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** Encrypts and authenticates an RTP packet in place; the buffer grows by the tag length. */
    public Result protectRtp(ByteBuf packet) {
        int len = packet.readableBytes();
        if (len > MAX_PACKET) return Result.MALFORMED;
        int at = packet.readerIndex();
        packet.getBytes(at, scratch, 0, len);
        int hdr = rtpHeaderLength(scratch, len);
        if (hdr < 0) return Result.MALFORMED;
        SsrcState s = state(ssrcOf(scratch, 8));
        if (s == null) return Result.TOO_MANY_SSRCS;
        int seq = ((scratch[2] & 0xff) << 8) | (scratch[3] & 0xff);
        if (s.lastSentSeq >= 0 && seq < s.lastSentSeq && s.lastSentSeq - seq > 0x8000) s.sendRoc++;
        s.lastSentSeq = seq;
        long index = ((long) s.sendRoc << 16) | seq;
        cipher.protectRtp(scratch, hdr, len, s.ssrc, index);
        packet.ensureWritable(cipher.tagBytes());
        packet.setBytes(at, scratch, 0, len + cipher.tagBytes());
        packet.writerIndex(at + len + cipher.tagBytes());
        return Result.OK;
    }

    /** Verifies, replay-checks and decrypts an SRTP packet in place; the tag is removed. */
    public Result unprotectRtp(ByteBuf packet) {
        int len = packet.readableBytes();
        int tag = cipher.tagBytes();
        if (len > MAX_PACKET || len < 12 + tag) return Result.MALFORMED;
        int at = packet.readerIndex();
        packet.getBytes(at, scratch, 0, len);
        int end = len - tag;
        int hdr = rtpHeaderLength(scratch, end);
        if (hdr < 0) return Result.MALFORMED;
        SsrcState s = state(ssrcOf(scratch, 8));
        if (s == null) return Result.TOO_MANY_SSRCS;
        int seq = ((scratch[2] & 0xff) << 8) | (scratch[3] & 0xff);
        long index = s.rtp.seen ? estimateIndex(s.rtp.highest, seq) : seq;
        if (s.rtp.isReplay(index)) return Result.REPLAYED;
        if (!cipher.unprotectRtp(scratch, hdr, end, s.ssrc, index)) return Result.AUTH_FAILED;
        s.rtp.accept(index);
        packet.setBytes(at, scratch, 0, end);
        packet.writerIndex(at + end);
        return Result.OK;
    }

    /** RFC 3711 Appendix A: the packet index whose low 16 bits are {@code seq}, nearest the highest seen. */
    static long estimateIndex(long highestIndex, int seq) {
        long roc = highestIndex >>> 16;
        int sl = (int) (highestIndex & 0xffff);
        long v;
        if (sl < 0x8000) {
            v = (seq - sl > 0x8000 && roc > 0) ? roc - 1 : roc;
        } else {
            v = (sl - 0x8000 > seq) ? roc + 1 : roc;
        }
        return (v << 16) | seq;
    }

    /** Encrypts an RTCP compound packet in place (E flag set), appending the trailer and tag. */
    public Result protectRtcp(ByteBuf packet) {
        int len = packet.readableBytes();
        if (len > MAX_PACKET || len < 8) return Result.MALFORMED;
        int at = packet.readerIndex();
        packet.getBytes(at, scratch, 0, len);
        if ((scratch[0] & 0xC0) != 0x80) return Result.MALFORMED;
        SsrcState s = state(ssrcOf(scratch, 4));
        if (s == null) return Result.TOO_MANY_SSRCS;
        int index = s.srtcpSendIndex;
        s.srtcpSendIndex = (index + 1) & 0x7fffffff;
        int n = cipher.protectRtcp(scratch, len, s.ssrc, index);
        packet.ensureWritable(n - len);
        packet.setBytes(at, scratch, 0, n);
        packet.writerIndex(at + n);
        return Result.OK;
    }

    /** Verifies, replay-checks and decrypts an SRTCP packet in place. */
    public Result unprotectRtcp(ByteBuf packet) {
        int len = packet.readableBytes();
        int tag = cipher.tagBytes();
        if (len > MAX_PACKET || len < 8 + 4 + tag) return Result.MALFORMED;
        int at = packet.readerIndex();
        packet.getBytes(at, scratch, 0, len);
        if ((scratch[0] & 0xC0) != 0x80) return Result.MALFORMED;
        SsrcState s = state(ssrcOf(scratch, 4));
        if (s == null) return Result.TOO_MANY_SSRCS;
        int t = cipher.rtcpTrailerAt(len);
        int index = ssrcOf(scratch, t) & 0x7fffffff;
        if (s.srtcp.isReplay(index)) return Result.REPLAYED;
        int plain = cipher.unprotectRtcp(scratch, len, s.ssrc, index);
        if (plain < 0) return Result.AUTH_FAILED;
        s.srtcp.accept(index);
        packet.setBytes(at, scratch, 0, plain);
        packet.writerIndex(at + plain);
        return Result.OK;
    }
}
