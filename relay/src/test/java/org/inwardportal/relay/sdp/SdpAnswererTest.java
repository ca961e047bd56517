package org.inwardportal.relay.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class SdpAnswererTest {
    /** Shaped like Chromium's offer for audio + video + a data channel (trimmed). */
    public static final String CHROMIUM_OFFER = String.join("\r\n",
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=group:BUNDLE 0 1 2", "a=extmap-allow-mixed", "a=msid-semantic: WMS stream1",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Wq8D", "a=ice-pwd:fOOcH8BXUmAtH2cH7nqzhh7j", "a=ice-options:trickle",
            "a=fingerprint:sha-256 9B:42:CF:36:9E:5E:D9:5A:41:2B:14:35:0A:86:57:1D:53:2B:26:9C:6B:61:2C:FB:2D:CC:21:B6:3A:11:CA:92",
            "a=setup:actpass", "a=mid:0",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=sendrecv", "a=msid:stream1 audio1", "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000",
            "a=ssrc:1001 cname:abc", "a=ssrc:1001 msid:stream1 audio1",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Wq8D", "a=ice-pwd:fOOcH8BXUmAtH2cH7nqzhh7j",
            "a=fingerprint:sha-256 9B:42:CF:36:9E:5E:D9:5A:41:2B:14:35:0A:86:57:1D:53:2B:26:9C:6B:61:2C:FB:2D:CC:21:B6:3A:11:CA:92",
            "a=setup:actpass", "a=mid:1", "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=sendonly", "a=msid:stream1 video1", "a=rtcp-mux", "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=rtpmap:102 H264/90000", "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f",
            "a=rtpmap:103 H264/90000", "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            "a=ssrc-group:FID 2001 2002", "a=ssrc:2001 cname:abc", "a=ssrc:2002 cname:abc",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:Wq8D", "a=ice-pwd:fOOcH8BXUmAtH2cH7nqzhh7j", "a=mid:2", "a=sctp-port:5000", "");

    /** Firefox: session-level fingerprint, LF line ends, a different payload type for Opus. */
    public static final String FIREFOX_OFFER = String.join("\n",
            "v=0", "o=mozilla...THIS_IS_SDPARTA-99.0 7052848360639826063 0 IN IP4 0.0.0.0", "s=-", "t=0 0",
            "a=fingerprint:sha-256 5B:D3:8E:66:0E:7D:D3:F3:8E:E6:80:28:19:FC:55:AD:58:5D:B9:3D:A8:DE:45:4A:E7:87:02:F8:C3:5A:65:2C",
            "a=group:BUNDLE 0", "a=ice-options:trickle", "a=msid-semantic:WMS *",
            "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101", "c=IN IP4 0.0.0.0", "a=sendrecv",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1",
            "a=ice-pwd:9e5b1e8b6f7d3c2a1b0c9d8e7f6a5b4c", "a=ice-ufrag:3f2a1b0c", "a=mid:0", "a=rtcp-mux",
            "a=rtpmap:109 opus/48000/2", "a=rtpmap:9 G722/8000/1", "a=setup:actpass", "a=ssrc:3344556677 cname:{x}", "");

    private final SdpAnswerer.LocalIce ice = new SdpAnswerer.LocalIce("relayUfrag", "relayPasswordOf22Chars!",
            "sha-256 AA:BB", List.of(new InetSocketAddress("10.213.0.1", 50000)));

    @Test
    void answersChromiumWithOpusVp8AndH264AndRejectsTheDataChannel() throws Exception {
        SessionDescription offer = SessionDescription.parse(CHROMIUM_OFFER);
        var answer = SdpAnswerer.answer(offer, ice, Map.of("audio", new SdpAnswerer.Track(424242, "portal", "discord")), true, 7);
        String sdp = answer.sdp();
        assertThat(sdp).contains("a=ice-lite\r\n", "a=group:BUNDLE 0 1\r\n", "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
                "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1", "a=setup:passive",
                "a=ice-ufrag:relayUfrag", "a=fingerprint:sha-256 AA:BB", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "m=video 9 UDP/TLS/RTP/SAVPF 96 103\r\n", "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1",
                "a=rtcp-fb:96 nack pli", "m=application 0 UDP/DTLS/SCTP", "a=candidate:1 1 udp ", " 10.213.0.1 50000 typ host",
                "a=ssrc:424242 cname:inward-portal");
        assertThat(answer.accepted()).extracting(SdpAnswerer.Accepted::direction).containsExactly("sendrecv", "recvonly");
        assertThat(answer.accepted().get(0).extension(SdpAnswerer.AUDIO_LEVEL)).isEqualTo(1);
        assertThat(answer.accepted().get(0).remoteSsrcs()).containsExactly(1001L);
        assertThat(answer.remoteUfrag()).isEqualTo("Wq8D");
        assertThat(answer.remoteFingerprint()).startsWith("9B:42");
        assertThat(sdp).doesNotContain("G722", "rtx", "red/");
        assertThat(sdp.lines()).allMatch(l -> !l.isEmpty());
    }

    @Test
    void aLightViewerOfferGetsTheWorldsVideoAndAudioSentToIt() throws Exception {
        try (var viewer = new org.inwardportal.relay.peer.LightPeer(java.net.InetAddress.getLoopbackAddress())) {
            SessionDescription offer = SessionDescription.parse(viewer.viewerOffer());
            var answer = SdpAnswerer.answer(offer, ice, Map.of("video", new SdpAnswerer.Track(5000, "world", "video"),
                    "audio", new SdpAnswerer.Track(5001, "world", "audio")), false, 9);
            assertThat(answer.accepted()).extracting(SdpAnswerer.Accepted::kind).containsExactly("audio", "video");
            assertThat(answer.accepted()).extracting(SdpAnswerer.Accepted::direction).containsExactly("sendrecv", "sendonly");
            assertThat(answer.accepted().get(1).remoteSsrcs()).isEmpty();
            assertThat(answer.sdp()).contains("a=group:BUNDLE 0 1\r\n", "a=ssrc:5000 cname:inward-portal", "a=rtcp-fb:96 nack pli");
            assertThat(viewer.viewerOffer().lines()).allMatch(l -> !l.isEmpty());
            // the shard's offer sends its video instead
            var shard = SdpAnswerer.answer(SessionDescription.parse(viewer.offer(0x77)), ice, Map.of(), true, 10);
            assertThat(shard.accepted()).extracting(SdpAnswerer.Accepted::direction).containsExactly("recvonly", "recvonly");
            assertThat(shard.accepted().get(1).remoteSsrcs()).containsExactly(0x77L);
        }
    }

    @Test
    void answersFirefoxStyleOffers() throws Exception {
        var answer = SdpAnswerer.answer(SessionDescription.parse(FIREFOX_OFFER), ice, Map.of(), false, 8);
        assertThat(answer.sdp()).contains("m=audio 9 UDP/TLS/RTP/SAVPF 109\r\n", "a=rtpmap:109 opus/48000/2", "a=recvonly");
        assertThat(answer.remoteUfrag()).isEqualTo("3f2a1b0c");
        assertThat(answer.remoteFingerprint()).startsWith("5B:D3");
    }

    @Test
    void unusableOrMalformedOffersGiveAClearError() {
        assertThatThrownBy(() -> SessionDescription.parse("")).hasMessage("empty SDP");
        assertThatThrownBy(() -> SessionDescription.parse("hello world")).hasMessageContaining("line 1: not 'x=value'");
        assertThatThrownBy(() -> SessionDescription.parse("o=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 0")).hasMessageContaining("no v=0");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\ns=-")).hasMessage("no m= sections");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=audio x RTP/AVP 0")).hasMessageContaining("bad port");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:abc"))
                .hasMessageContaining("line 3: malformed a=rtpmap");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\n" + "a=x:" + "y".repeat(70_000))).hasMessageContaining("larger than");
        assertThatThrownBy(() -> SdpAnswerer.answer(SessionDescription.parse(CHROMIUM_OFFER.replace("a=setup:actpass", "a=setup:passive")),
                ice, Map.of(), true, 1)).hasMessageContaining("a=setup:passive");
        assertThatThrownBy(() -> SdpAnswerer.answer(SessionDescription.parse(FIREFOX_OFFER.replaceAll("a=fingerprint.*\n", "")),
                ice, Map.of(), true, 1)).hasMessageContaining("no DTLS fingerprint");
        assertThatThrownBy(() -> SdpAnswerer.answer(SessionDescription.parse(FIREFOX_OFFER.replace("opus/48000/2", "speex/16000")),
                ice, Map.of(), true, 1)).hasMessageContaining("nothing in the offer is usable");
    }
}
