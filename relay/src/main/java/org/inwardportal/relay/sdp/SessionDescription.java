package org.inwardportal.relay.sdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed WebRTC session description (RFC 8866, JSEP RFC 8829): the session-level ICE
 * credentials, fingerprint and BUNDLE group, and the media sections. Tolerant of what libwebrtc,
 * Chromium and Firefox emit (CRLF or LF, attributes at session or media level, unknown lines).
 */
public final class SessionDescription {
    /** Longer offers are refused: a real one is a few kilobytes. */
    public static final int MAX_BYTES = 64 * 1024;

    public String iceUfrag;
    public String icePwd;
    public String fingerprint;
    public String setup;
    public boolean iceLite;
    public final List<String> bundle = new ArrayList<>();
    public final List<MediaSection> media = new ArrayList<>();

    public static SessionDescription parse(String sdp) throws SdpException {
        if (sdp == null || sdp.isBlank()) throw new SdpException("empty SDP");
        if (sdp.length() > MAX_BYTES) throw new SdpException("SDP larger than " + MAX_BYTES + " bytes");
        SessionDescription d = new SessionDescription();
        MediaSection m = null;
        int lineNo = 0;
        boolean sawVersion = false;
        for (String raw : sdp.split("\r?\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) continue;
            if (line.length() < 2 || line.charAt(1) != '=') throw new SdpException("line " + lineNo + ": not 'x=value'");
            char type = line.charAt(0);
            String value = line.substring(2);
            switch (type) {
                case 'v' -> {
                    if (!value.equals("0")) throw new SdpException("line " + lineNo + ": unsupported SDP version " + value);
                    sawVersion = true;
                }
                case 'm' -> {
                    m = parseMediaLine(value, lineNo);
                    d.media.add(m);
                }
                case 'a' -> attribute(d, m, value, lineNo);
                default -> {
                    // o=, s=, t=, c=, b= and the rest carry nothing WebRTC needs from an offer
                }
            }
        }
        if (!sawVersion) throw new SdpException("no v=0 line: not an SDP");
        if (d.media.isEmpty()) throw new SdpException("no m= sections");
        for (MediaSection s : d.media) {
            if (s.iceUfrag == null) s.iceUfrag = d.iceUfrag;
            if (s.icePwd == null) s.icePwd = d.icePwd;
            if (s.fingerprint == null) s.fingerprint = d.fingerprint;
            if (s.setup == null) s.setup = d.setup;
        }
        return d;
    }

    private static MediaSection parseMediaLine(String value, int lineNo) throws SdpException {
        String[] p = value.split(" +");
        if (p.length < 3) throw new SdpException("line " + lineNo + ": m= needs media, port, protocol");
        MediaSection m = new MediaSection();
        m.kind = p[0];
        try {
            m.port = Integer.parseInt(p[1].contains("/") ? p[1].substring(0, p[1].indexOf('/')) : p[1]);
        } catch (NumberFormatException e) {
            throw new SdpException("line " + lineNo + ": bad port '" + p[1] + "'");
        }
        m.protocol = p[2];
        for (int i = 3; i < p.length; i++) {
            try {
                m.formats.add(Integer.parseInt(p[i]));
            } catch (NumberFormatException e) {
                // non-RTP formats (e.g. webrtc-datachannel): kept out, the section will be rejected
            }
        }
        return m;
    }

    private static void attribute(SessionDescription d, MediaSection m, String value, int lineNo) throws SdpException {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        String arg = colon < 0 ? "" : value.substring(colon + 1).strip();
        switch (name) {
            case "ice-ufrag" -> {
                if (m == null) d.iceUfrag = arg; else m.iceUfrag = arg;
            }
            case "ice-pwd" -> {
                if (m == null) d.icePwd = arg; else m.icePwd = arg;
            }
            case "fingerprint" -> {
                if (m == null) d.fingerprint = arg; else m.fingerprint = arg;
            }
            case "setup" -> {
                if (m == null) d.setup = arg; else m.setup = arg;
            }
            case "ice-lite" -> d.iceLite = true;
            case "group" -> {
                String[] p = arg.split(" +");
                if (p.length > 0 && p[0].equals("BUNDLE")) d.bundle.addAll(Arrays.asList(p).subList(1, p.length));
            }
            default -> {
                if (m != null) mediaAttribute(m, name, arg, lineNo);
            }
        }
    }

    private static void mediaAttribute(MediaSection m, String name, String arg, int lineNo) throws SdpException {
        try {
            switch (name) {
                case "mid" -> m.mid = arg;
                case "sendrecv", "sendonly", "recvonly", "inactive" -> m.direction = name;
                case "rtcp-mux" -> m.rtcpMux = true;
                case "msid" -> m.msid = arg;
                case "candidate" -> m.candidates.add(arg);
                case "rtpmap" -> {
                    int sp = arg.indexOf(' ');
                    int pt = Integer.parseInt(arg.substring(0, sp));
                    String[] enc = arg.substring(sp + 1).split("/");
                    MediaSection.Codec old = m.codecs.get(pt);
                    m.codecs.put(pt, new MediaSection.Codec(pt, enc[0], Integer.parseInt(enc[1]),
                            enc.length > 2 ? Integer.parseInt(enc[2]) : 1,
                            old == null ? null : old.fmtp(), old == null ? new ArrayList<>() : old.feedback()));
                }
                case "fmtp" -> {
                    int sp = arg.indexOf(' ');
                    int pt = Integer.parseInt(arg.substring(0, sp));
                    MediaSection.Codec c = m.codecs.get(pt);
                    String fmtp = arg.substring(sp + 1);
                    m.codecs.put(pt, c == null ? new MediaSection.Codec(pt, "", 0, 0, fmtp, new ArrayList<>())
                            : new MediaSection.Codec(pt, c.name(), c.clockRate(), c.channels(), fmtp, c.feedback()));
                }
                case "rtcp-fb" -> {
                    int sp = arg.indexOf(' ');
                    String ptText = arg.substring(0, sp);
                    if (!ptText.equals("*")) {
                        int pt = Integer.parseInt(ptText);
                        MediaSection.Codec c = m.codecs.get(pt);
                        if (c == null) {
                            c = new MediaSection.Codec(pt, "", 0, 0, null, new ArrayList<>());
                            m.codecs.put(pt, c);
                        }
                        c.feedback().add(arg.substring(sp + 1));
                    }
                }
                case "extmap" -> {
                    String[] p = arg.split(" +");
                    String id = p[0].contains("/") ? p[0].substring(0, p[0].indexOf('/')) : p[0];
                    m.extmaps.add(new MediaSection.Extmap(Integer.parseInt(id), p[1]));
                }
                case "ssrc" -> {
                    int sp = arg.indexOf(' ');
                    long ssrc = Long.parseLong(sp < 0 ? arg : arg.substring(0, sp));
                    var attrs = m.ssrcs.computeIfAbsent(ssrc, k -> new java.util.LinkedHashMap<>());
                    if (sp > 0) {
                        String rest = arg.substring(sp + 1);
                        int c = rest.indexOf(':');
                        attrs.put(c < 0 ? rest : rest.substring(0, c), c < 0 ? "" : rest.substring(c + 1));
                    }
                }
                case "ssrc-group" -> {
                    String[] p = arg.split(" +");
                    long[] g = new long[p.length - 1];
                    for (int i = 1; i < p.length; i++) g[i - 1] = Long.parseLong(p[i]);
                    m.ssrcGroups.add(g);
                }
                default -> {
                    // other attributes are not needed to answer
                }
            }
        } catch (RuntimeException e) {
            throw new SdpException("line " + lineNo + ": malformed a=" + name + ": " + arg);
        }
    }
}
