package org.inwardportal.relay.rtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the relay's periodic compound RTCP packet for one session (RFC 3550 §6.1): an SR when the
 * relay has sent media on the session, else an RR, with one report block per received stream, then
 * an SDES with the relay's CNAME.
 */
public final class RtcpReports {
    public static final String CNAME = "inward-portal";
    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private RtcpReports() {
    }

    /** Now as a 64-bit NTP timestamp (RFC 3550 §4). */
    public static long ntpNow() {
        long millis = System.currentTimeMillis();
        long seconds = millis / 1000 + NTP_EPOCH_OFFSET_SECONDS;
        long fraction = ((millis % 1000) << 32) / 1000;
        return (seconds << 32) | fraction;
    }

    public static void write(ByteBuf out, int relaySsrc, SendStatistics sent, List<ReceiveStatistics> received, long nowNanos) {
        int blocks = (int) Math.min(31, received.stream().filter(ReceiveStatistics::started).count());
        int start = out.writerIndex();
        if (sent != null) {
            out.writeByte(0x80 | blocks).writeByte(Rtcp.SR).writeShort(0).writeInt(sent.ssrc);
            sent.writeSenderInfo(out, nowNanos, ntpNow());
        } else {
            out.writeByte(0x80 | blocks).writeByte(Rtcp.RR).writeShort(0).writeInt(relaySsrc);
        }
        int written = 0;
        for (ReceiveStatistics r : received) {
            if (!r.started() || written == blocks) continue;
            r.writeReportBlock(out, nowNanos);
            written++;
        }
        out.setShort(start + 2, (out.writerIndex() - start) / 4 - 1);
        // SDES with one chunk: CNAME, then the null item and padding to a 32-bit boundary (§6.5).
        int sdes = out.writerIndex();
        byte[] cname = CNAME.getBytes(StandardCharsets.US_ASCII);
        out.writeByte(0x81).writeByte(202).writeShort(0).writeInt(sent != null ? sent.ssrc : relaySsrc)
                .writeByte(1).writeByte(cname.length).writeBytes(cname).writeByte(0);
        while (((out.writerIndex() - sdes) & 3) != 0) out.writeByte(0);
        out.setShort(sdes + 2, (out.writerIndex() - sdes) / 4 - 1);
    }
}
