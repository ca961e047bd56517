package org.inwardportal.relay.sdp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers a WebRTC offer as the relay (JSEP RFC 8829 §5.3): ICE-lite (RFC 8445 §2.5),
 * {@code setup:passive} (the relay is the DTLS server, RFC 5763 §5), one BUNDLE transport with
 * rtcp-mux, Opus (RFC 7587) for audio, VP8 and H.264 for video, each in the offerer's payload
 * type numbers. Sections it cannot use (data channels, unknown codecs) are rejected with port 0,
 * never fatal.
 */
public final class SdpAnswerer {
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /** The relay's ICE and DTLS identity for this session. */
    public record LocalIce(String ufrag, String pwd, String sdpFingerprint, List<InetSocketAddress> candidates) {
    }

    /** A stream the relay sends in a section. */
    public record Track(long ssrc, String streamId, String trackId) {
    }

    /** What the answer accepted in one section: the session configures its RTP handling from it. */
    public record Accepted(String mid, String kind, List<MediaSection.Codec> codecs, Map<String, Integer> extensions,
                           String direction, List<Long> remoteSsrcs) {
        public int extension(String uri) {
            return extensions.getOrDefault(uri, 0);
        }
    }

    public record Answer(String sdp, List<Accepted> accepted, String remoteUfrag, String remotePwd, String remoteFingerprint) {
    }

    private SdpAnswerer() {
    }

    /**
     * @param sending   per kind ("audio", "video"), the stream the relay sends, or absent when it only receives
     * @param wantVideo whether video is taken from the peer (shards) or not at all
     */
    public static Answer answer(SessionDescription offer, LocalIce ice, Map<String, Track> sending, boolean wantVideo,
                                long sessionId) throws SdpException {
        MediaSection first = offer.media.getFirst();
        if (first.iceUfrag == null || first.icePwd == null) throw new SdpException("the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)");
        if (first.fingerprint == null) throw new SdpException("the offer has no DTLS fingerprint (a=fingerprint)");
        if (!first.fingerprint.toLowerCase().startsWith("sha-256 ")) {
            throw new SdpException("the relay checks sha-256 certificate fingerprints; the offer has '" + first.fingerprint.split(" ")[0] + "'");
        }
        if ("passive".equals(first.setup)) {
            throw new SdpException("the offer says a=setup:passive, but the relay is always the DTLS server (passive); offer actpass or active");
        }
        StringBuilder media = new StringBuilder();
        List<Accepted> accepted = new ArrayList<>();
        List<String> bundled = new ArrayList<>();
        boolean audioTaken = false;
        boolean videoTaken = false;
        for (MediaSection m : offer.media) {
            String mid = m.mid == null ? String.valueOf(offer.media.indexOf(m)) : m.mid;
            List<MediaSection.Codec> codecs = new ArrayList<>();
            boolean take = !m.rejected() && m.protocol.contains("SAVPF") && (offer.bundle.isEmpty() || offer.bundle.contains(mid));
            if (take && m.kind.equals("audio") && !audioTaken) {
                MediaSection.Codec opus = m.codec("opus");
                if (opus != null && opus.clockRate() == 48000) codecs.add(opus);
            } else if (take && m.kind.equals("video") && !videoTaken && (wantVideo || sending.containsKey("video"))) {
                MediaSection.Codec vp8 = m.codec("VP8");
                if (vp8 != null) codecs.add(vp8);
                MediaSection.Codec h264 = h264(m);
                if (h264 != null) codecs.add(h264);
            }
            if (codecs.isEmpty()) {
                SdpSections.rejected(media, m.kind, m.protocol, m.formats.isEmpty() ? 0 : m.formats.getFirst(), mid);
                continue;
            }
            if (m.kind.equals("audio")) audioTaken = true; else videoTaken = true;
            Track ours = sending.get(m.kind);
            String direction = direction(m, ours != null, m.kind.equals("audio") || wantVideo);
            Map<String, Integer> ext = new java.util.LinkedHashMap<>();
            for (MediaSection.Extmap e : m.extmaps) {
                if (e.uri().equals(AUDIO_LEVEL) || e.uri().equals(ABS_SEND_TIME) || e.uri().equals(MID) || e.uri().equals(TRANSPORT_CC)) {
                    ext.put(e.uri(), e.id());
                }
            }
            bundled.add(mid);
            accepted.add(new Accepted(mid, m.kind, List.copyOf(codecs), Map.copyOf(ext), direction, List.copyOf(m.ssrcs.keySet())));
            SdpSections.section(media, m.kind, mid, codecs, ext, direction, ours, ice, "passive");
        }
        if (accepted.isEmpty()) throw new SdpException("nothing in the offer is usable: the relay needs Opus audio (or VP8/H.264 video) over UDP/TLS/RTP/SAVPF");
        StringBuilder sdp = new StringBuilder();
        sdp.append("v=0\r\n").append("o=- ").append(sessionId).append(" 2 IN IP4 127.0.0.1\r\n").append("s=-\r\n").append("t=0 0\r\n")
                .append("a=ice-lite\r\n").append("a=group:BUNDLE ").append(String.join(" ", bundled)).append("\r\n")
                .append("a=msid-semantic: WMS *\r\n").append(media);
        return new Answer(sdp.toString(), List.copyOf(accepted), first.iceUfrag, first.icePwd, first.fingerprint.substring(8).trim());
    }

    /** H.264 with packetization-mode=1 (what browsers and libwebrtc decode everywhere), else any H.264. */
    private static MediaSection.Codec h264(MediaSection m) {
        MediaSection.Codec any = null;
        for (int pt : m.formats) {
            MediaSection.Codec c = m.codecs.get(pt);
            if (c == null || !c.is("H264")) continue;
            if (c.fmtp() != null && c.fmtp().contains("packetization-mode=1")) return c;
            if (any == null) any = c;
        }
        return any;
    }

    private static String direction(MediaSection offer, boolean weSend, boolean weReceive) {
        boolean send = weSend && offer.receives();
        boolean receive = weReceive && offer.sends();
        return send && receive ? "sendrecv" : send ? "sendonly" : receive ? "recvonly" : "inactive";
    }

}
