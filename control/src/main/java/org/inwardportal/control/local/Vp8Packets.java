package org.inwardportal.control.local;

/**
 * Cuts a VP8 frame into RTP payloads (RFC 7741 §4.2): each starts with the one-byte payload
 * descriptor (S set on the frame's first packet, partition index 0, no extensions); the frame's
 * last packet carries the RTP marker.
 */
public final class Vp8Packets {
    public static final int MAX_PAYLOAD = 1100; // stays under a 1200-byte datagram with SRTP's overhead

    /** Receives each packet's payload. */
    public interface Sink {
        void packet(byte[] payload, int length, boolean last) throws Exception;
    }

    private Vp8Packets() {
    }

    public static int split(byte[] frame, byte[] scratch, Sink sink) throws Exception {
        int packets = 0;
        for (int at = 0; at < frame.length; ) {
            int n = Math.min(MAX_PAYLOAD - 1, frame.length - at);
            scratch[0] = (byte) (at == 0 ? 0x10 : 0x00); // S bit on the first, PID 0
            System.arraycopy(frame, at, scratch, 1, n);
            at += n;
            sink.packet(scratch, n + 1, at == frame.length);
            packets++;
        }
        return packets;
    }
}
