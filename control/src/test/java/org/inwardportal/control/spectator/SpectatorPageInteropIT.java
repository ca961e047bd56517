package org.inwardportal.control.spectator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.inwardportal.control.Portal;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.testing.HeadlessChromium;
import org.inwardportal.relay.testing.OpusCodec;
import org.inwardportal.signaling.Invites;
import org.inwardportal.signaling.SignalingServer;
import org.inwardportal.signaling.client.ShardClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spectator page in headless Chromium against the whole relay in process (local mode: real JDA
 * against the built-in Discord stand-in), with the reference shard (libwebrtc) sending a test
 * pattern and a tone, in the test's private network namespace. The page shows the video and plays
 * the sound, its push-to-talk is heard by a member in Discord, it reconnects by itself after a
 * network drop, and expired or forged invites get a clear message. Screenshots go to target/.
 */
class SpectatorPageInteropIT {
    private static final double WORLD_HZ = 440;

    @TempDir
    Path dir;

    @Test
    void aViewerWatchesListensTalksAndReconnects() throws Exception {
        if (System.getenv("INWARD_TEST_REQUIRE_CHROMIUM") != null) {
            assertThat(HeadlessChromium.available()).as("scripts/test installs Debian's chromium").isTrue();
        }
        assumeTrue(HeadlessChromium.available(), "Debian's chromium is not installed (scripts/test installs it)");
        Portal[] portal = new Portal[1];
        try (SignalingProxy proxy = new SignalingProxy(() -> portal[0].signaling().server().port())) {
            Map<String, String> env = new HashMap<>();
            env.put("PORTAL_DATA_DIR", dir.toString());
            env.put("PORTAL_HTTP_PORT", "0");
            env.put("PORTAL_MEDIA_PORT", "0");
            // local mode's default: the relay advertises only 127.0.0.1. Chromium gathers no loopback candidate, but
            // sends from its veth address to 127.0.0.1, as a browser on the relay's machine does from its adapter's.
            env.put("PORTAL_MEDIA_HOST", "127.0.0.1");
            env.put("PORTAL_SIGNALING_PORT", "0");
            env.put("PORTAL_SIGNALING_PUBLIC_URL", "ws://127.0.0.1:" + proxy.port() + SignalingServer.PATH);
            portal[0] = new Portal(ConfigLoader.load(null, env));
            portal[0].start();
            try {
                run(portal[0], proxy);
            } finally {
                portal[0].stop();
            }
        }
    }

    private void run(Portal portal, SignalingProxy proxy) throws Exception {
        DiscordStandIn d = portal.discord().standIn();
        EmulatedMember alice = d.addMember("Alice");
        alice.joinVoice(d.world().channel("World"));
        Binding b = portal.bindings().create(new Binding("spectated", d.world().guildId(), d.world().channel("World").id(), null,
                "alpha", "The Lobby", BindingPipeline.ToShard.PER_SPEAKER, false, false, "test", Instant.now()));
        await(() -> portal.bindings().liveOf(b.id()).orElseThrow().link().awaitReady(Duration.ofMillis(100)), 15, "voice ready");
        String token = new ShardTokens(portal.database().dataSource()).create("alpha");
        URI signaling = URI.create("ws://127.0.0.1:" + portal.signaling().server().port() + SignalingServer.PATH);
        Invites invites = portal.signaling().server().invites();
        String invite = invites.issue(b.id(), "3003", "Vera", Duration.ofHours(1));
        String base = "http://127.0.0.1:" + portal.http().localAddress().getPort();
        assertThat(portal.media().endpoint().candidates()).as("the relay advertises only loopback")
                .allMatch(a -> a.getAddress().isLoopbackAddress()).isNotEmpty();
        Path artifacts = Path.of("target", "spectator-page");
        Files.createDirectories(artifacts);

        try (ShardClient shard = ShardClient.connect(signaling, "alpha", token, true, Duration.ofSeconds(15));
             HeadlessChromium chromium = new HeadlessChromium()) {
            shard.playTone(WORLD_HZ, 0.4);
            shard.playTestPattern();
            shard.roomState("Lobby", Map.of("p1", "Ana", "p2", "Ben"));

            chromium.captureConsole();
            long t0 = System.nanoTime();
            chromium.navigate(base + "/watch/" + invite);
            awaitPage(chromium, "window.portal && portal.state === 'connected'", 15, "the page connects");
            System.out.printf("spectator page: connected %d ms after navigation%n", (System.nanoTime() - t0) / 1_000_000);
            chromium.eval("document.getElementById('listen').click()");

            // the video element shows frames of the test pattern (a moving ramp: not one flat colour)
            awaitPage(chromium, "document.getElementById('world').getVideoPlaybackQuality().totalVideoFrames > 30", 15, "video frames");
            long firstFrame = (System.nanoTime() - t0) / 1_000_000;
            JsonNode video = chromium.eval("""
                    (() => { const v = document.getElementById('world'); const c = document.createElement('canvas');
                      c.width = v.videoWidth; c.height = v.videoHeight; const g = c.getContext('2d'); g.drawImage(v, 0, 0);
                      const px = g.getImageData(0, 0, c.width, c.height).data; let min = 255, max = 0;
                      for (let i = 0; i < px.length; i += 4 * 97) { min = Math.min(min, px[i]); max = Math.max(max, px[i]); }
                      const q = v.getVideoPlaybackQuality();
                      return {w: v.videoWidth, h: v.videoHeight, min, max, frames: q.totalVideoFrames, dropped: q.droppedVideoFrames}; })()""");
            System.out.printf("spectator page: video %s, 30 frames shown %d ms after navigation%n", video, firstFrame);
            assertThat(video.path("w").asInt()).isEqualTo(320);
            assertThat(video.path("h").asInt()).isEqualTo(240);
            assertThat(video.path("max").asInt() - video.path("min").asInt()).as("the test pattern's ramp").isGreaterThan(50);

            // the world's tone is played: the browser's audio energy rises
            awaitPage(chromium, "portal.quality && portal.quality.audioEnergy > 0", 10, "audio energy");
            double e1 = chromium.eval("portal.quality.audioEnergy").asDouble();
            Thread.sleep(2500);
            double e2 = chromium.eval("portal.quality.audioEnergy").asDouble();
            System.out.printf("spectator page: audio energy %.4f -> %.4f, quality %s%n", e1, e2, chromium.eval("portal.quality"));
            assertThat(e2).as("audio energy rises").isGreaterThan(e1);

            // the overlay: world, players, connection quality
            awaitPage(chromium, "document.getElementById('world-name').textContent === 'Lobby'", 5, "world name");
            assertThat(chromium.eval("document.getElementById('players').textContent").asText()).startsWith("2 players: ").contains("Ana", "Ben");
            // on loopback the quality is good; one late STUN answer on a loaded machine may show fair for a sample
            awaitPage(chromium, "document.getElementById('quality').dataset.level === 'good'", 10, "quality good");
            Files.write(artifacts.resolve("watching.png"), chromium.screenshot());

            // push-to-talk: with the world quiet, what Alice hears in Discord is the viewer's microphone (Chromium's fake one beeps)
            shard.stopTone();
            Thread.sleep(1000);
            double fromViewers = counter(portal, b.id(), "from_viewers");
            assertThat(fromViewers).as("nothing is sent while push-to-talk is not held").isZero();
            alice.clearHeard();
            Thread.sleep(1000);
            int quietFrames = alice.heard().size();
            long pressed = System.nanoTime();
            chromium.key("keyDown", " ", "Space", 32);
            awaitPage(chromium, "portal.talking && document.getElementById('talk').getAttribute('aria-pressed') === 'true'", 5, "talking");
            await(() -> counter(portal, b.id(), "from_viewers") > 0, 5, "the first microphone frame at the relay");
            long firstFrameMs = (System.nanoTime() - pressed) / 1_000_000;
            Thread.sleep(3000);
            // held until 150 frames (3 s) of the microphone reached the relay: a loaded machine's fake microphone may lag
            await(() -> counter(portal, b.id(), "from_viewers") >= 150, 10, "3 s of the microphone at the relay");
            Files.write(artifacts.resolve("talking.png"), chromium.screenshot());
            chromium.key("keyUp", " ", "Space", 32);
            Thread.sleep(500);
            List<Heard> heard = alice.heard();
            double sent = counter(portal, b.id(), "from_viewers");
            OpusCodec decoder = new OpusCodec();
            double loudest = 0;
            for (Heard h : heard) loudest = Math.max(loudest, OpusCodec.rms(decoder.decode(h.opus())));
            long[] steps = java.util.stream.IntStream.range(1, heard.size())
                    .mapToLong(i -> heard.get(i).timestamp() - heard.get(i - 1).timestamp()).sorted().toArray();
            System.out.printf("spectator page: push-to-talk: median RTP timestamp step in Discord %d%n", steps.length == 0 ? 0 : steps[steps.length / 2]);
            System.out.printf("spectator page: push-to-talk: first frame at the relay %d ms after the key (microphone opened on this first press), "
                    + "%.0f frames from the page, Alice heard %d (%d while quiet before), loudest frame rms %.3f%n",
                    firstFrameMs, sent, heard.size(), quietFrames, loudest);
            assertThat(quietFrames).as("Discord is quiet before push-to-talk").isLessThanOrEqualTo(5);
            assertThat(sent).as("3 s of the page's microphone at the relay").isGreaterThan(120);
            assertThat(heard.size()).as("the viewer's voice heard in Discord").isGreaterThan(120);
            assertThat(loudest).as("the fake microphone's beeps, audible").isGreaterThan(0.01);
            assertThat(chromium.eval("portal.talking").asBoolean()).isFalse();
            Thread.sleep(500);
            double afterRelease = counter(portal, b.id(), "from_viewers");
            Thread.sleep(1000);
            assertThat(counter(portal, b.id(), "from_viewers")).as("nothing sent after release").isEqualTo(afterRelease);
            assertThat(chromium.consoleErrors()).as("console errors").isEmpty();

            // a phone-sized window
            chromium.viewport(390, 844, true);
            Thread.sleep(500);
            JsonNode phone = chromium.eval("""
                    (() => { const r = (id) => document.getElementById(id).getBoundingClientRect();
                      return {w: innerWidth, talk: r('talk').right <= innerWidth && r('talk').height >= 44, overlay: r('overlay').right <= innerWidth}; })()""");
            assertThat(phone.path("talk").asBoolean()).as("the talk button fits and is big enough").isTrue();
            assertThat(phone.path("overlay").asBoolean()).isTrue();
            Files.write(artifacts.resolve("phone.png"), chromium.screenshot());

            System.out.printf("spectator page: before the drop: reconnects %s, last error %s, last drop %s%n", chromium.eval("portal.reconnects"),
                    chromium.eval("portal.lastError"), chromium.eval("portal.lastDrop"));
            assertThat(chromium.eval("portal.reconnects").asInt()).as("no reconnect before the network drop").isZero();

            // a network drop: every signaling connection is cut; the page says so and comes back by itself
            proxy.cut();
            awaitPage(chromium, "portal.state === 'reconnecting' && !document.getElementById('banner').hidden", 5, "the page notices");
            String lost = chromium.eval("document.getElementById('banner').textContent").asText();
            long cutAt = System.nanoTime();
            awaitPage(chromium, "portal.state === 'connected'", 20, "the page reconnects");
            long back = (System.nanoTime() - cutAt) / 1_000_000;
            String reconnected = chromium.eval("document.getElementById('banner').textContent").asText();
            int framesBefore = chromium.eval("document.getElementById('world').getVideoPlaybackQuality().totalVideoFrames").asInt();
            awaitPage(chromium, "document.getElementById('world').getVideoPlaybackQuality().totalVideoFrames > " + (framesBefore + 30), 15,
                    "video after reconnecting");
            System.out.printf("spectator page: after the drop: '%s', back in %d ms: '%s'%n", lost, back, reconnected);
            assertThat(lost).startsWith("Connection lost");
            assertThat(reconnected).isEqualTo("Reconnected.");

            // expired and forged invites
            chromium.navigate(base + "/watch/" + invites.issue(b.id(), "3003", "Vera", Duration.ofSeconds(-1)));
            awaitPage(chromium, "document.body && document.body.dataset.state === 'expired'", 5, "expired page");
            assertThat(chromium.eval("getComputedStyle(document.getElementById('problem')).display").asText()).isEqualTo("block");
            assertThat(chromium.eval("document.getElementById('problem').innerText").asText()).contains("This link has expired", "/portal invite");
            Files.write(artifacts.resolve("expired.png"), chromium.screenshot());
            String forged = invite.substring(0, invite.indexOf('.') + 1) + "AAAA" + invite.substring(invite.indexOf('.') + 5);
            chromium.navigate(base + "/watch/" + forged);
            awaitPage(chromium, "document.body && document.body.dataset.state === 'invalid'", 5, "forged page");
            assertThat(chromium.eval("document.getElementById('problem').innerText").asText()).contains("This link does not work");
            assertThat(chromium.eval("window.portal === undefined").asBoolean()).as("no connection attempt").isTrue();
        }
    }

    // from the relay's own /metrics, as an operator would read it
    private static double counter(Portal p, String binding, String direction) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.http().localAddress().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("relay_binding_frames_total{") && l.contains("binding=\"" + binding + "\"")
                        && l.contains("direction=\"" + direction + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void awaitPage(HeadlessChromium c, String condition, int seconds, String what) throws Exception {
        await(() -> c.eval("(() => { try { return !!(" + condition + "); } catch (e) { return false; } })()").asBoolean(), seconds, what);
    }

    private static void await(Callable<Boolean> condition, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + seconds + " s");
            Thread.sleep(100);
        }
    }
}
