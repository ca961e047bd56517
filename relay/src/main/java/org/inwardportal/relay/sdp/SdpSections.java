package org.inwardportal.relay.sdp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** Writes one accepted media section of a relay SDP (answer or offer), JSEP RFC 8829 §5.2-5.3. */
final class SdpSections {
    private SdpSections() {
    }

    static void section(StringBuilder b, String kind, String mid, List<MediaSection.Codec> codecs, Map<String, Integer> ext,
                                String direction, SdpAnswerer.Track ours, SdpAnswerer.LocalIce ice, String setup) {
        b.append("m=").append(kind).append(" 9 UDP/TLS/RTP/SAVPF");
        for (MediaSection.Codec c : codecs) b.append(' ').append(c.payloadType());
        b.append("\r\n").append("c=IN IP4 0.0.0.0\r\n").append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:").append(ice.ufrag()).append("\r\n")
                .append("a=ice-pwd:").append(ice.pwd()).append("\r\n")
                .append("a=fingerprint:").append(ice.sdpFingerprint()).append("\r\n")
                .append("a=setup:").append(setup).append("\r\n")
                .append("a=mid:").append(mid).append("\r\n");
        ext.forEach((uri, id) -> b.append("a=extmap:").append(id).append(' ').append(uri).append("\r\n"));
        b.append("a=").append(direction).append("\r\n").append("a=rtcp-mux\r\n");
        for (MediaSection.Codec c : codecs) {
            b.append("a=rtpmap:").append(c.payloadType()).append(' ').append(c.name()).append('/').append(c.clockRate());
            if (c.channels() > 1) b.append('/').append(c.channels());
            b.append("\r\n");
            if (c.is("opus")) {
                b.append("a=fmtp:").append(c.payloadType()).append(" minptime=10;useinbandfec=1\r\n");
            } else {
                if (c.fmtp() != null) b.append("a=fmtp:").append(c.payloadType()).append(' ').append(c.fmtp()).append("\r\n");
                b.append("a=rtcp-fb:").append(c.payloadType()).append(" nack\r\n")
                        .append("a=rtcp-fb:").append(c.payloadType()).append(" nack pli\r\n")
                        .append("a=rtcp-fb:").append(c.payloadType()).append(" ccm fir\r\n");
            }
        }
        if (ours != null && !direction.equals("recvonly") && !direction.equals("inactive")) {
            b.append("a=msid:").append(ours.streamId()).append(' ').append(ours.trackId()).append("\r\n")
                    .append("a=ssrc:").append(ours.ssrc()).append(" cname:inward-portal\r\n")
                    .append("a=ssrc:").append(ours.ssrc()).append(" msid:").append(ours.streamId()).append(' ').append(ours.trackId()).append("\r\n");
        }
        int foundation = 1;
        for (InetSocketAddress c : ice.candidates()) {
            // RFC 8445 §5.1.2: host candidates, highest type preference.
            long priority = (126L << 24) | ((65535L - foundation) << 8) | 255;
            b.append("a=candidate:").append(foundation++).append(" 1 udp ").append(priority).append(' ')
                    .append(c.getAddress().getHostAddress()).append(' ').append(c.getPort()).append(" typ host\r\n");
        }
        b.append("a=end-of-candidates\r\n");
    }

    /** A rejected (port 0) section, kept in place: m-line order never changes within a session (RFC 8829 §5.2.2). */
    static void rejected(StringBuilder b, String kind, String protocol, int format, String mid) {
        b.append("m=").append(kind).append(" 0 ").append(protocol).append(' ').append(format).append("\r\n")
                .append("c=IN IP4 0.0.0.0\r\n").append("a=mid:").append(mid).append("\r\n").append("a=inactive\r\n");
    }
}
