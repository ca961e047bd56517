package org.inwardportal.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.peer.LightPeer;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SignalingServerTest {
    static final Duration T = Duration.ofSeconds(5);
    static final String TOKEN = "ipt_good-token-for-alpha";
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private MediaEndpoint endpoint;
    private SignalingServer server;
    private final List<byte[]> media = new CopyOnWriteArrayList<>();
    private final CompletableFuture<PeerSession> connected = new CompletableFuture<>();
    private final List<RoomState> rooms = new CopyOnWriteArrayList<>();
    private final List<String> chats = new CopyOnWriteArrayList<>();

    private SignalingServer start(SignalingLimits limits) throws Exception {
        endpoint = new MediaEndpoint(new MediaEndpoint.Config("127.0.0.1", 0, List.of(loopback), Duration.ofSeconds(30)),
                new SimpleMeterRegistry());
        endpoint.start();
        server = new SignalingServer("127.0.0.1", 0, limits, (shard, token) -> shard.startsWith("alpha") && token.equals(TOKEN),
                endpoint, new SignalingServer.Hooks() {
                    @Override
                    public MediaSink sinkFor(String shardId) {
                        return new MediaSink() {
                            @Override
                            public void onMedia(PeerSession s, MediaFrame f) {
                                byte[] b = new byte[f.payloadLength];
                                f.copyPayload(b);
                                media.add(b);
                            }

                            @Override
                            public void onConnected(PeerSession s) {
                                connected.complete(s);
                            }
                        };
                    }

                    @Override
                    public String bindingOf(String shardId) {
                        return "binding-9";
                    }

                    @Override
                    public void roomState(String shardId, RoomState state) {
                        rooms.add(state);
                    }

                    @Override
                    public void chat(String shardId, String fromId, String fromName, String text) {
                        chats.add(shardId + "/" + fromName + ": " + text);
                    }

                    @Override
                    public Map<String, SdpAnswerer.Track> sendingTo(String shardId) {
                        return Map.of("audio", new SdpAnswerer.Track(0xD15C0, "discord", "mix"));
                    }
                });
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (endpoint != null) endpoint.close();
    }

    @Test
    void aShardSaysHelloOffersAndAudioFlowsBothWaysThroughTheEndpoint() throws Exception {
        start(SignalingLimits.defaults());
        try (WsClient ws = new WsClient(server.port()); LightPeer peer = new LightPeer(loopback)) {
            ws.hello("alpha", TOKEN);
            JsonNode welcome = ws.next(T);
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            assertThat(welcome.path("v").asInt()).isEqualTo(1);
            assertThat(welcome.path("shard").asText()).isEqualTo("alpha");
            assertThat(welcome.path("session").asText()).isNotBlank();
            ws.send(WsClient.JSON.createObjectNode().put("type", "offer").put("sdp", peer.offer()).toString());
            JsonNode answer = ws.next(T);
            assertThat(answer.path("type").asText()).isEqualTo("answer");
            peer.connect(answer.path("sdp").asText());
            PeerSession session = connected.get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) peer.sendOpus(7, i, 960L * i, ("world-" + i).getBytes(), 20);
            long deadline = System.nanoTime() + T.toNanos();
            while (media.size() < 10 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(media).hasSize(10);
            assertThat(new String(media.get(9), StandardCharsets.UTF_8)).isEqualTo("world-9");
            endpoint.send(session, Unpooled.buffer().writeByte(0x80).writeByte(111).writeShort(1).writeInt(960).writeInt(0xD15C0)
                    .writeBytes("discord-voice".getBytes()));
            byte[] back = peer.receiveRtp(2000);
            assertThat(new String(back, 12, back.length - 12, StandardCharsets.UTF_8)).isEqualTo("discord-voice");
            ws.send("{\"type\":\"bye\"}");
            assertThat(ws.closeCode(T)).isEqualTo(CloseCodes.NORMAL);
            deadline = System.nanoTime() + T.toNanos();
            while (session.state() != PeerSession.State.CLOSED && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(session.state()).as("bye frees the media session").isEqualTo(PeerSession.State.CLOSED);
        }
    }

    @Test
    void relayOffersGoOneAtATimeAndTracksAskedForMeanwhileWaitForTheAnswer() throws Exception {
        start(SignalingLimits.defaults());
        try (WsClient ws = new WsClient(server.port()); LightPeer peer = new LightPeer(loopback)) {
            ws.hello("alpha", TOKEN);
            ws.next(T);
            String peerOffer = peer.offer();
            ws.send(WsClient.JSON.createObjectNode().put("type", "offer").put("sdp", peerOffer).toString());
            peer.connect(ws.next(T).path("sdp").asText());
            connected.get(5, TimeUnit.SECONDS);

            assertThat(server.offerTracks("alpha", List.of(new SdpAnswerer.Track(0x51, "discord", "speaker-1")))).isTrue();
            assertThat(server.offerTracks("alpha", List.of(new SdpAnswerer.Track(0x52, "discord", "speaker-2")))).isTrue();
            assertThat(server.offerTracks("alpha", List.of(new SdpAnswerer.Track(0x53, "discord", "speaker-3")))).isTrue();
            JsonNode first = ws.next(T);
            assertThat(first.path("type").asText()).isEqualTo("offer");
            assertThat(first.path("sdp").asText()).contains("speaker-1").doesNotContain("speaker-2");
            assertThat(ws.poll(Duration.ofMillis(300))).as("no second offer before the first is answered").isNull();

            ws.send(WsClient.JSON.createObjectNode().put("type", "answer").put("sdp", peer.answerTo(first.path("sdp").asText())).toString());
            JsonNode second = ws.next(T);
            assertThat(second.path("type").asText()).isEqualTo("offer");
            // both waiting tracks in one offer, on top of the first one's
            assertThat(second.path("sdp").asText()).contains("speaker-1", "speaker-2", "speaker-3");
            ws.send(WsClient.JSON.createObjectNode().put("type", "answer").put("sdp", peer.answerTo(second.path("sdp").asText())).toString());
            assertThat(ws.poll(Duration.ofMillis(300))).as("accepted: nothing more to say").isNull();
        }
    }

    @Test
    void anUnansweredRelayOfferIsMadeAgainWithWhatWasAskedMeanwhileAndGivenUpAfterThreeTries() throws Exception {
        SignalingLimits d = SignalingLimits.defaults();
        start(new SignalingLimits(d.maxMessageBytes(), d.messagesPerSecond(), d.connectionsPerAddress(), d.idleTimeout(),
                d.helloTimeout(), d.authFailureDelay(), Duration.ofMillis(1000)));
        try (WsClient ws = new WsClient(server.port()); LightPeer peer = new LightPeer(loopback)) {
            ws.hello("alpha", TOKEN);
            ws.next(T);
            ws.send(WsClient.JSON.createObjectNode().put("type", "offer").put("sdp", peer.offer()).toString());
            peer.connect(ws.next(T).path("sdp").asText());
            connected.get(5, TimeUnit.SECONDS);

            server.offerTracks("alpha", List.of(new SdpAnswerer.Track(0x51, "discord", "speaker-1")));
            JsonNode first = ws.next(T);
            assertThat(first.path("sdp").asText()).contains("speaker-1");
            server.offerTracks("alpha", List.of(new SdpAnswerer.Track(0x52, "discord", "speaker-2")));
            // no answer: after the timeout the offer comes again, with the track asked for meanwhile
            JsonNode again = ws.next(T);
            assertThat(again.path("type").asText()).isEqualTo("offer");
            assertThat(again.path("sdp").asText()).contains("speaker-1", "speaker-2");
            assertThat(ws.next(T).path("sdp").asText()).as("third try").contains("speaker-1", "speaker-2");
            assertThat(ws.poll(Duration.ofMillis(1800))).as("given up after three").isNull();

            // the next change offers everything again, and an answer to it is taken
            server.offerTracks("alpha", List.of(new SdpAnswerer.Track(0x53, "discord", "speaker-3")));
            JsonNode last = ws.next(T);
            assertThat(last.path("sdp").asText()).contains("speaker-1", "speaker-2", "speaker-3");
            ws.send(WsClient.JSON.createObjectNode().put("type", "answer").put("sdp", peer.answerTo(last.path("sdp").asText())).toString());
            assertThat(ws.poll(Duration.ofMillis(1800))).as("answered in time: not offered again").isNull();
        }
    }

    @Test
    void wssWithAConfiguredCertificateAndWelcomeWithBindingAndIceServers() throws Exception {
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("EC");
        gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair kp = gen.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name("CN=localhost");
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.TEN,
                new java.util.Date(System.currentTimeMillis() - 3_600_000), new java.util.Date(System.currentTimeMillis() + 86_400_000), name, kp.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")));
        java.security.cert.X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("signaling-tls");
        java.util.Base64.Encoder pem = java.util.Base64.getMimeEncoder(64, "\n".getBytes());
        java.nio.file.Path certFile = java.nio.file.Files.writeString(dir.resolve("cert.pem"),
                "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        java.nio.file.Path keyFile = java.nio.file.Files.writeString(dir.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");

        endpoint = new MediaEndpoint(new MediaEndpoint.Config("127.0.0.1", 0, List.of(loopback), Duration.ofSeconds(30)), new SimpleMeterRegistry());
        endpoint.start();
        server = new SignalingServer("127.0.0.1", 0, SignalingLimits.defaults(), (s, t) -> t.equals(TOKEN), endpoint, new SignalingServer.Hooks() {
            @Override
            public String bindingOf(String shardId) {
                return "binding-9";
            }
        });
        server.tls(certFile.toFile(), keyFile.toFile());
        server.iceServers(List.of("stun:stun.example.org:3478"));
        server.start();
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("relay", cert);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
        try (WsClient ws = new WsClient(https, java.net.URI.create("wss://127.0.0.1:" + server.port() + SignalingServer.PATH))) {
            ws.hello("alpha", TOKEN);
            JsonNode welcome = ws.next(T);
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            assertThat(welcome.path("binding").asText()).isEqualTo("binding-9");
            assertThat(welcome.path("iceServers").get(0).path("urls").get(0).asText()).isEqualTo("stun:stun.example.org:3478");
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new WsClient(server.port()).next(Duration.ofSeconds(1))))
                .as("plain ws:// to a wss:// server gets nowhere").isNotNull();
    }

    @Test
    void aWrongTokenClosesWithTheDocumentedCodeAfterAFixedDelay() throws Exception {
        start(SignalingLimits.defaults());
        try (WsClient ws = new WsClient(server.port())) {
            long t0 = System.nanoTime();
            ws.hello("alpha", "ipt_wrong");
            assertThat(ws.closeCode(T)).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(450);
        }
        try (WsClient ws = new WsClient(server.port())) {
            ws.hello("unknown-shard", TOKEN);
            assertThat(ws.closeCode(T)).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
        }
    }

    @Test
    void badMessagesGetAnErrorNamingTheFieldAndTheSessionCarriesOn() throws Exception {
        start(SignalingLimits.defaults());
        try (WsClient ws = new WsClient(server.port())) {
            ws.send("{\"type\":\"offer\",\"sdp\":\"v=0\"}");
            assertThat(ws.next(T).path("code").asText()).isEqualTo("not_authenticated");
            ws.send("{not json");
            assertThat(ws.next(T).path("code").asText()).isEqualTo("malformed_json");
            ws.send("[1,2]");
            assertThat(ws.next(T).path("code").asText()).isEqualTo("malformed_json");
            ws.send("{\"no\":\"type\"}");
            JsonNode missingType = ws.next(T);
            assertThat(missingType.path("code").asText()).isEqualTo("missing_field");
            assertThat(missingType.path("field").asText()).isEqualTo("type");
            ws.send("{\"type\":\"hello\",\"v\":1,\"role\":\"shard\",\"token\":\"x\"}");
            JsonNode noShard = ws.next(T);
            assertThat(noShard.path("field").asText()).isEqualTo("shard");
            ws.send("{\"type\":\"hello\",\"v\":1,\"role\":\"ghost\"}");
            assertThat(ws.next(T).path("field").asText()).isEqualTo("role");
            ws.send("{\"type\":\"hello\",\"v\":1,\"role\":\"viewer\"}");
            assertThat(ws.next(T).path("field").asText()).isEqualTo("invite");
            ws.hello("alpha", TOKEN);
            assertThat(ws.next(T).path("type").asText()).isEqualTo("welcome");
            ws.send("{\"type\":\"teleport\"}");
            JsonNode unknown = ws.next(T);
            assertThat(unknown.path("code").asText()).isEqualTo("unknown_type");
            assertThat(unknown.path("message").asText()).contains("teleport");
            ws.send("{\"type\":\"offer\"}");
            assertThat(ws.next(T).path("field").asText()).isEqualTo("sdp");
            ws.send("{\"type\":\"offer\",\"sdp\":\"this is not SDP\"}");
            JsonNode badSdp = ws.next(T);
            assertThat(badSdp.path("code").asText()).isEqualTo("bad_sdp");
            assertThat(badSdp.path("message").asText()).contains("line 1");
            ws.send("{\"type\":\"answer\",\"sdp\":\"v=0\"}");
            assertThat(ws.next(T).path("code").asText()).isEqualTo("no_session");
            ws.send("{\"type\":\"ping\",\"id\":42}");
            JsonNode pong = ws.next(T);
            assertThat(pong.path("type").asText()).isEqualTo("pong");
            assertThat(pong.path("id").asInt()).isEqualTo(42);
        }
    }

    @Test
    void roomStateChatSpeakersAndModeration() throws Exception {
        start(SignalingLimits.defaults());
        try (WsClient ws = new WsClient(server.port())) {
            ws.hello("alpha", TOKEN);
            ws.next(T);
            ws.send("{\"type\":\"room.state\",\"world\":\"Lobby\",\"map\":\"plaza\",\"players\":[{\"id\":\"p1\",\"name\":\"Ana\"},{\"id\":\"p2\",\"name\":\"Ben\"}]}");
            ws.send("{\"type\":\"room.state\",\"players\":[]}");
            JsonNode noWorld = ws.next(T);
            assertThat(noWorld.path("field").asText()).isEqualTo("world");
            ws.send("{\"type\":\"room.state\",\"world\":\"Lobby\",\"players\":[{\"id\":1}]}");
            assertThat(ws.next(T).path("field").asText()).isEqualTo("players[0]");
            ws.send("{\"type\":\"chat\",\"from\":{\"id\":\"p1\",\"name\":\"Ana\"},\"text\":\"hello discord\"}");
            ws.send("{\"type\":\"chat\",\"text\":\"who am i\"}");
            assertThat(ws.next(T).path("field").asText()).isEqualTo("from");
            long deadline = System.nanoTime() + T.toNanos();
            while ((rooms.isEmpty() || chats.isEmpty()) && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(rooms).singleElement().satisfies(r -> {
                assertThat(r.world()).isEqualTo("Lobby");
                assertThat(r.map()).isEqualTo("plaza");
                assertThat(r.count()).isEqualTo(2);
                assertThat(r.players()).extracting(RoomState.Player::name).containsExactly("Ana", "Ben");
            });
            assertThat(chats).containsExactly("alpha/Ana: hello discord");

            assertThat(server.sendTo("alpha", SignalingServer.speakers(List.of(
                    new SignalingServer.Speaker("1001", "Alice", "https://cdn.example/a.png", "speaker-1001"))))).isTrue();
            JsonNode speakers = ws.next(T);
            assertThat(speakers.path("type").asText()).isEqualTo("speakers");
            assertThat(speakers.path("speakers").get(0).path("track").asText()).isEqualTo("speaker-1001");
            server.sendTo("alpha", SignalingServer.chat("1001", "Alice", "hi world"));
            JsonNode chat = ws.next(T);
            assertThat(chat.path("from").path("name").asText()).isEqualTo("Alice");
            assertThat(chat.path("text").asText()).isEqualTo("hi world");
            server.sendTo("alpha", SignalingServer.moderation("mute", "p2", "1001", "Alice"));
            JsonNode mod = ws.next(T);
            assertThat(mod.path("action").asText()).isEqualTo("mute");
            assertThat(mod.path("player").asText()).isEqualTo("p2");
            assertThat(mod.path("by").path("name").asText()).isEqualTo("Alice");
            assertThat(server.sendTo("nobody", SignalingServer.chat("1", "x", "y"))).isFalse();
        }
    }

    @Test
    void viewersComeInWithAValidInviteOnly() throws Exception {
        start(SignalingLimits.defaults());
        Invites invites = new Invites("relay invite key, thirty-two bytes or more".getBytes(), java.time.Clock.systemUTC());
        server.invites(invites);
        String good = invites.issue("binding-1", "1001", "Alice", Duration.ofMinutes(5));
        try (WsClient ws = new WsClient(server.port()); LightPeer peer = new LightPeer(loopback)) {
            ws.send("{\"type\":\"hello\",\"v\":1,\"role\":\"viewer\",\"invite\":\"" + good + "\"}");
            JsonNode welcome = ws.next(T);
            assertThat(welcome.path("role").asText()).isEqualTo("viewer");
            assertThat(welcome.path("binding").asText()).isEqualTo("binding-1");
            assertThat(welcome.path("name").asText()).isEqualTo("Alice");
            ws.send("{\"type\":\"room.state\",\"world\":\"x\",\"players\":[]}");
            assertThat(ws.next(T).path("code").asText()).as("viewers cannot speak for the world").isEqualTo("invalid_field");
            ws.send(WsClient.JSON.createObjectNode().put("type", "offer").put("sdp", peer.offer()).toString());
            JsonNode answer = ws.next(T);
            assertThat(answer.path("type").asText()).isEqualTo("answer");
            assertThat(answer.path("sdp").asText()).contains("a=msid:world audio");
        }
        String expired = new Invites("relay invite key, thirty-two bytes or more".getBytes(),
                java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-2))).issue("binding-1", "1", "Old", Duration.ofHours(1));
        for (String bad : new String[] {expired, good.substring(0, good.length() - 3) + "AAA", "not-an-invite"}) {
            try (WsClient ws = new WsClient(server.port())) {
                ws.send("{\"type\":\"hello\",\"v\":1,\"role\":\"viewer\",\"invite\":\"" + bad + "\"}");
                assertThat(ws.closeCode(T)).as(bad).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
            }
        }
    }

    @Test
    void limitsCloseWithTheirCodes() throws Exception {
        start(new SignalingLimits(1024, 20, 3, Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofMillis(100)));
        try (WsClient big = new WsClient(server.port())) {
            big.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}");
            assertThat(big.closeCode(T)).isEqualTo(CloseCodes.TOO_LARGE);
        }
        try (WsClient chatty = new WsClient(server.port())) {
            for (int i = 0; i < 100; i++) chatty.send("{\"type\":\"ping\"}");
            assertThat(chatty.closeCode(T)).isEqualTo(CloseCodes.RATE_LIMITED);
        }
        try (WsClient silent = new WsClient(server.port())) {
            assertThat(silent.closeCode(T)).isEqualTo(CloseCodes.HELLO_TIMEOUT);
        }
        try (WsClient old = new WsClient(server.port())) {
            old.send("{\"type\":\"hello\",\"v\":2,\"role\":\"shard\",\"shard\":\"alpha\",\"token\":\"x\"}");
            assertThat(old.closeCode(T)).isEqualTo(CloseCodes.UNSUPPORTED_VERSION);
        }
        try (WsClient idle = new WsClient(server.port())) {
            idle.hello("alpha", TOKEN);
            assertThat(idle.next(T).path("type").asText()).isEqualTo("welcome");
            assertThat(idle.closeCode(T)).as("nothing said for a second").isEqualTo(CloseCodes.IDLE_TIMEOUT);
        }
        // The connection limit on a server whose hello timeout cannot close the first three while a
        // loaded machine opens the fourth.
        server.close();
        endpoint.close();
        start(new SignalingLimits(1024, 20, 3, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(100)));
        List<WsClient> many = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) many.add(new WsClient(server.port()));
            try (WsClient fourth = new WsClient(server.port())) {
                assertThat(fourth.closeCode(T)).isEqualTo(CloseCodes.TOO_MANY_CONNECTIONS);
            }
        } finally {
            many.forEach(WsClient::close);
        }
    }

    @Test
    void aSecondConnectionOfTheSameShardReplacesTheFirst() throws Exception {
        start(SignalingLimits.defaults());
        try (WsClient first = new WsClient(server.port()); WsClient second = new WsClient(server.port())) {
            first.hello("alpha", TOKEN);
            assertThat(first.next(T).path("type").asText()).isEqualTo("welcome");
            second.hello("alpha", TOKEN);
            assertThat(second.next(T).path("type").asText()).isEqualTo("welcome");
            assertThat(first.closeCode(T)).isEqualTo(CloseCodes.REPLACED);
            second.send("{\"type\":\"ping\"}");
            assertThat(second.next(T).path("type").asText()).isEqualTo("pong");
            assertThat(server.shards()).containsExactly("alpha");
        }
    }

    @Test
    void twoHundredShardsConnectAtOnce() throws Exception {
        start(new SignalingLimits(64 * 1024, 50, 250, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMillis(100)));
        List<WsClient> clients = new ArrayList<>();
        try {
            List<CompletableFuture<WsClient>> opening = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                opening.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        WsClient c = new WsClient(server.port());
                        c.hello("alpha-" + n, TOKEN);
                        return c;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<WsClient> f : opening) clients.add(f.get(30, TimeUnit.SECONDS));
            for (WsClient c : clients) assertThat(c.next(Duration.ofSeconds(15)).path("type").asText()).isEqualTo("welcome");
            assertThat(server.shards()).hasSize(200);
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}
