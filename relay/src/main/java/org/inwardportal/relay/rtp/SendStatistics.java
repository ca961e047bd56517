package org.inwardportal.relay.rtp;

/** What the relay sent on one SSRC, for its sender reports (RFC 3550 §6.4.1). */
public final class SendStatistics {
    public final int ssrc;
    private final int clockRate;
    private long packets;
    private long octets;
    private long lastRtpTimestamp;
    private long lastSentNanos;

    public SendStatistics(int ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    public void packet(long rtpTimestamp, int payloadBytes, long sentNanos) {
        packets++;
        octets += payloadBytes;
        lastRtpTimestamp = rtpTimestamp;
        lastSentNanos = sentNanos;
    }

    public long packets() {
        return packets;
    }

    /** The sender-info part of an SR: NTP time now, the RTP timestamp for that instant, counts. */
    public void writeSenderInfo(io.netty.buffer.ByteBuf out, long nowNanos, long ntpNow) {
        long rtpNow = lastRtpTimestamp + (nowNanos - lastSentNanos) * clockRate / 1_000_000_000L;
        out.writeLong(ntpNow).writeInt((int) rtpNow).writeInt((int) packets).writeInt((int) octets);
    }
}
