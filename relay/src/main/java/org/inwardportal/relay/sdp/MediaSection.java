package org.inwardportal.relay.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One {@code m=} section of a session description (RFC 8866 §5.14) with the WebRTC attributes we use. */
public final class MediaSection {
    /** {@code a=rtpmap} + {@code a=fmtp} + {@code a=rtcp-fb} of one payload type. */
    public record Codec(int payloadType, String name, int clockRate, int channels, String fmtp, List<String> feedback) {
        public boolean is(String codecName) {
            return name.equalsIgnoreCase(codecName);
        }
    }

    public record Extmap(int id, String uri) {
    }

    public String kind;
    public int port;
    public String protocol;
    public final List<Integer> formats = new ArrayList<>();
    public String mid;
    public String direction = "sendrecv";
    public String iceUfrag;
    public String icePwd;
    public String fingerprint;
    public String setup;
    public boolean rtcpMux;
    public final Map<Integer, Codec> codecs = new LinkedHashMap<>();
    public final List<Extmap> extmaps = new ArrayList<>();
    /** a=ssrc lines: SSRC → (attribute → value), e.g. cname, msid. */
    public final Map<Long, Map<String, String>> ssrcs = new LinkedHashMap<>();
    public final List<long[]> ssrcGroups = new ArrayList<>();
    public String msid;
    public final List<String> candidates = new ArrayList<>();

    public boolean rejected() {
        return port == 0;
    }

    /** The first offered codec with this name, in the offerer's preference order. */
    public Codec codec(String name) {
        for (int pt : formats) {
            Codec c = codecs.get(pt);
            if (c != null && c.is(name)) return c;
        }
        return null;
    }

    public boolean sends() {
        return direction.equals("sendrecv") || direction.equals("sendonly");
    }

    public boolean receives() {
        return direction.equals("sendrecv") || direction.equals("recvonly");
    }
}
