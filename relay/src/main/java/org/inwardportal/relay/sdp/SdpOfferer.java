package org.inwardportal.relay.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Offers from the relay to renegotiate an established session (JSEP RFC 8829 §5.2.2): every
 * earlier section again, in the same order and with its mid, codecs and the relay's direction,
 * then one send-only Opus section per added track — how each Discord speaker reaches a shard as a
 * track of its own. {@code a=setup:actpass} as JSEP requires in offers; the established DTLS roles
 * stay as they are.
 */
public final class SdpOfferer {
    /** A re-offer and the mids of the sections it adds, in the order of {@code added}. */
    public record Offer(String sdp, List<String> addedMids) {
    }

    private SdpOfferer() {
    }

    public static Offer reoffer(String previousLocalSdp, SdpAnswerer.LocalIce ice, List<SdpAnswerer.Track> added,
                                long sessionId, int version) throws SdpException {
        SessionDescription previous = SessionDescription.parse(previousLocalSdp);
        StringBuilder media = new StringBuilder();
        List<String> bundle = new ArrayList<>();
        MediaSection.Codec opus = null;
        int audioLevel = 0;
        int n = 0;
        for (MediaSection m : previous.media) {
            String mid = m.mid == null ? String.valueOf(n) : m.mid;
            n++;
            if (m.rejected()) {
                SdpSections.rejected(media, m.kind, m.protocol, m.formats.isEmpty() ? 0 : m.formats.getFirst(), mid);
                continue;
            }
            List<MediaSection.Codec> codecs = new ArrayList<>();
            for (int pt : m.formats) {
                MediaSection.Codec c = m.codecs.get(pt);
                if (c != null) codecs.add(c);
            }
            Map<String, Integer> ext = new java.util.LinkedHashMap<>();
            m.extmaps.forEach(e -> ext.put(e.uri(), e.id()));
            SdpAnswerer.Track ours = null;
            if (!m.ssrcs.isEmpty()) {
                long ssrc = m.ssrcs.keySet().iterator().next();
                String[] msid = m.msid == null ? new String[] {"-", "-"} : m.msid.split(" ");
                ours = new SdpAnswerer.Track(ssrc, msid[0], msid.length > 1 ? msid[1] : msid[0]);
            }
            if (m.kind.equals("audio") && opus == null) {
                opus = codecs.stream().filter(c -> c.is("opus")).findFirst().orElse(null);
                audioLevel = ext.getOrDefault(SdpAnswerer.AUDIO_LEVEL, 0);
            }
            bundle.add(mid);
            SdpSections.section(media, m.kind, mid, codecs, ext, m.direction, ours, ice, "actpass");
        }
        if (opus == null && !added.isEmpty()) {
            throw new SdpException("the session has no Opus audio section to model speaker tracks on");
        }
        List<String> addedMids = new ArrayList<>();
        for (SdpAnswerer.Track t : added) {
            String mid = "s" + t.ssrc();
            addedMids.add(mid);
            bundle.add(mid);
            Map<String, Integer> ext = audioLevel == 0 ? Map.of() : Map.of(SdpAnswerer.AUDIO_LEVEL, audioLevel);
            SdpSections.section(media, "audio", mid, List.of(opus), ext, "sendonly", t, ice, "actpass");
        }
        String sdp = "v=0\r\n" + "o=- " + sessionId + " " + version + " IN IP4 127.0.0.1\r\n" + "s=-\r\n" + "t=0 0\r\n"
                + "a=ice-lite\r\n" + "a=group:BUNDLE " + String.join(" ", bundle) + "\r\n" + "a=msid-semantic: WMS *\r\n" + media;
        return new Offer(sdp, List.copyOf(addedMids));
    }
}
