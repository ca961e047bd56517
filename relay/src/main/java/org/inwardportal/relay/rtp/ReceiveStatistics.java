package org.inwardportal.relay.rtp;

/**
 * What the relay knows of one stream it receives, for RTCP report blocks (RFC 3550 §6.4.1):
 * extended highest sequence number and packets lost (Appendix A.1, A.3), interarrival jitter
 * (§6.4.1, Appendix A.8), and the last sender report heard. Updated per packet without allocation.
 */
public final class ReceiveStatistics {
    public final int ssrc;
    private final int clockRate;
    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private int cycles;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private double transit;
    private double jitter;
    private long lastSrNtpMiddle;
    private long lastSrArrivalNanos;

    public ReceiveStatistics(int ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /** One RTP packet: its sequence number, RTP timestamp and arrival time. */
    public void packet(int seq, long rtpTimestamp, long arrivalNanos) {
        if (!started) {
            started = true;
            baseSeq = seq;
            maxSeq = seq;
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta < 0x8000) {
                if (seq < maxSeq) cycles += 0x10000; // wrapped
                maxSeq = seq;
            }
        }
        received++;
        // Jitter (A.8), in timestamp units: transit = arrival (in RTP units) - timestamp.
        double arrival = arrivalNanos / 1e9 * clockRate;
        double t = arrival - rtpTimestamp;
        if (received > 1) {
            double d = Math.abs(t - transit);
            jitter += (d - jitter) / 16.0;
        }
        transit = t;
    }

    /** A sender report from this stream's sender: its NTP timestamp (for LSR) and when it arrived (for DLSR). */
    public void senderReport(long ntpTimestamp, long arrivalNanos) {
        lastSrNtpMiddle = (ntpTimestamp >>> 16) & 0xffffffffL;
        lastSrArrivalNanos = arrivalNanos;
    }

    public boolean started() {
        return started;
    }

    public long extendedHighestSequence() {
        return (long) cycles + maxSeq;
    }

    public long cumulativeLost() {
        long expected = extendedHighestSequence() - baseSeq + 1;
        return Math.max(0, expected - received);
    }

    /** Writes one 24-byte report block (RFC 3550 §6.4.1) and moves the "since last report" marks. */
    public void writeReportBlock(io.netty.buffer.ByteBuf out, long nowNanos) {
        long expected = extendedHighestSequence() - baseSeq + 1;
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long lost = Math.min(0x7fffff, cumulativeLost());
        long dlsr = lastSrArrivalNanos == 0 ? 0 : (nowNanos - lastSrArrivalNanos) * 65536 / 1_000_000_000L;
        out.writeInt(ssrc).writeByte(fraction).writeMedium((int) lost).writeInt((int) extendedHighestSequence())
                .writeInt((int) jitter).writeInt((int) lastSrNtpMiddle).writeInt((int) dlsr);
    }
}
