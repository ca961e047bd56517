package org.inwardportal.relay.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.testing.HeadlessChromium;
import org.inwardportal.relay.testing.OpusCodec;
import org.junit.jupiter.api.Test;

/** The relay's endpoint against headless Chromium (fake microphone in, relay audio out), in the test's network namespace. */
class ChromiumInteropIT {
    static final String PAGE = """
            <!doctype html><html><body><audio id="remote" autoplay></audio><script>
            async function start() {
              const pc = new RTCPeerConnection();
              const mic = await navigator.mediaDevices.getUserMedia({audio: {echoCancellation: false, noiseSuppression: false, autoGainControl: false}});
              mic.getTracks().forEach(t => pc.addTrack(t, mic));
              pc.ontrack = e => {
                const a = document.getElementById('remote');
                a.srcObject = e.streams[0] || new MediaStream([e.track]);
                a.muted = false;
                a.play();
              };
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(done => {
                if (pc.iceGatheringState === 'complete') return done();
                pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done();
              });
              const res = await fetch('/offer', {method: 'POST', body: pc.localDescription.sdp});
              await pc.setRemoteDescription({type: 'answer', sdp: await res.text()});
              window.pc = pc;
              return 'started';
            }
            async function audioEnergy() {
              const stats = await window.pc.getStats();
              let energy = 0;
              stats.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'audio') energy = r.totalAudioEnergy || 0; });
              return energy;
            }
            </script></body></html>""";

    @Test
    void chromiumsMicrophoneReachesTheRelayAndTheRelaysAudioIsPlayedInThePage() throws Exception {
        if (System.getenv("INWARD_TEST_REQUIRE_CHROMIUM") != null) {
            assertThat(HeadlessChromium.available()).as("scripts/test installs Debian's chromium").isTrue();
        }
        assumeTrue(HeadlessChromium.available(), "Debian's chromium is not installed (scripts/test installs it)");
        List<byte[]> fromBrowser = new CopyOnWriteArrayList<>();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        MediaEndpoint endpoint = new MediaEndpoint(MediaEndpoint.Config.defaults(), new SimpleMeterRegistry());
        endpoint.start();
        SdpAnswerer.Track track = new SdpAnswerer.Track(0xC0FFEE, "portal", "discord");
        OpusCodec codec = new OpusCodec();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.createContext("/offer", ex -> {
            String offer = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] answer;
            try {
                answer = endpoint.accept(offer, Map.of("audio", track), false, new MediaSink() {
                    @Override
                    public void onMedia(PeerSession s, MediaFrame f) {
                        byte[] b = new byte[f.payloadLength];
                        f.copyPayload(b);
                        fromBrowser.add(b);
                    }

                    @Override
                    public void onConnected(PeerSession s) {
                        int pt = s.answer().accepted().getFirst().codecs().getFirst().payloadType();
                        int[] n = {0};
                        clock.scheduleAtFixedRate(() -> {
                            int i = n[0]++;
                            byte[] opus = codec.encode(OpusCodec.tone(520, (long) i * 960, 960, 0.5));
                            endpoint.send(s, Unpooled.buffer().writeByte(0x80).writeByte(pt).writeShort(i).writeInt(i * 960)
                                    .writeInt((int) track.ssrc()).writeBytes(opus));
                        }, 0, 20, TimeUnit.MILLISECONDS);
                    }
                }).answerSdp().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
            } catch (Exception e) {
                byte[] err = e.getMessage().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(400, err.length);
                ex.getResponseBody().write(err);
            }
            ex.close();
        });
        http.start();
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            chromium.navigate("http://127.0.0.1:" + http.getAddress().getPort() + "/");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"complete".equals(chromium.eval("document.readyState").asText()) && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(chromium.eval("start()").asText()).isEqualTo("started");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fromBrowser.size() < 150 && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(fromBrowser.size()).as("Opus frames from Chromium's fake microphone").isGreaterThanOrEqualTo(150);
            double loudest = 0;
            for (byte[] f : fromBrowser) loudest = Math.max(loudest, OpusCodec.rms(codec.decode(f)));
            double energy = chromium.eval("audioEnergy()").asDouble();
            System.out.printf("Chromium -> relay: %d Opus frames, loudest frame rms %.3f; relay -> Chromium: totalAudioEnergy %.4f%n",
                    fromBrowser.size(), loudest, energy);
            assertThat(loudest).as("the fake microphone's beeps").isGreaterThan(0.05);
            assertThat(energy).as("the page played the relay's audio").isGreaterThan(0.0);
        } finally {
            clock.shutdownNow();
            http.stop(0);
            endpoint.close();
        }
    }
}
