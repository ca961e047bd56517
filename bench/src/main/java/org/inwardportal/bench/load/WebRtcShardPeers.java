package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.peer.LibWebRtcJvm;
import org.inwardportal.relay.peer.LibWebRtcPeer;

/**
 * The shards of the libwebrtc baseline, in a process of their own so that their CPU is not in the
 * baseline relay's ({@link WebRtcRelayBaseline} starts it and talks to it over standard input and
 * output, one JSON message per line: {@link LibWebRtcJvm}). Each shard is a libwebrtc peer as the reference shard is:
 * it offers one send-receive audio track, answers the relay's renegotiation that adds the members'
 * tracks, and streams the load clips' shard voice (decoded once, pushed 10 ms at a time; libwebrtc
 * encodes it). What the relay sends back to the first shard is decoded by a playout of its own and
 * counted, to show the baseline really re-encoded audio; the other shards receive it undecoded (no
 * playout on their factory), which keeps this process's CPU, on the same machine, down.
 */
public final class WebRtcShardPeers {
    private WebRtcShardPeers() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = LibWebRtcJvm.protocolOut();
        List<LibWebRtcPeer> peers = new ArrayList<>();
        AtomicLong received = new AtomicLong();
        DoubleAdder energy = new DoubleAdder();
        short[] voice = shardVoice();
        var clock = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "shards-push"));
        // both sides are libwebrtc (no ICE-lite relay between them): they find each other by the adapters' candidates
        LibWebRtcPeer.Host listening = new LibWebRtcPeer.Host(true, LibWebRtcPeer.Gathering.ADAPTERS),
                host = new LibWebRtcPeer.Host(false, LibWebRtcPeer.Gathering.ADAPTERS);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            JsonNode m = LoadRun.JSON.readTree(line);
            int i = m.path("i").asInt();
            try {
                switch (m.path("type").asText()) {
                    case "open" -> {
                        LibWebRtcPeer p = LibWebRtcPeer.shard(i == 0 ? listening : host, (data, bits, rate, channels, frames) -> {
                            received.incrementAndGet();
                            energy.add(WebRtcRelayBaseline.meanSquare(data, channels, frames));
                        });
                        peers.add(p);
                        send(out, msg("offer", i).put("sdp", p.offer()));
                    }
                    case "answer" -> peers.get(i).answer(m.path("sdp").asText());
                    case "offer" -> {
                        send(out, msg("answer", i).put("sdp", peers.get(i).answerTo(m.path("sdp").asText())));
                        (i == 0 ? listening : host).stopRecording(); // as the relay does: no silence encoded while the rest connect
                    }
                    case "start" -> {
                        listening.stopRecording();
                        WebRtcRelayBaseline.quietRecording(host);
                        listening.stopRecording();
                        long[] at = {0};
                        byte[] scratch = new byte[960];
                        // every 10 ms each shard's next 10 ms of voice, all on one thread: libwebrtc's encoder queues and pacer take it from there
                        clock.scheduleAtFixedRate(() -> {
                            int offset = (int) (at[0]++ % (voice.length / 480)) * 480;
                            for (LibWebRtcPeer p : peers) p.pushAudio(voice, offset, scratch);
                        }, 0, 10, TimeUnit.MILLISECONDS);
                        send(out, msg("started", -1));
                    }
                    case "stop" -> {
                        clock.shutdownNow();
                        send(out, msg("stats", -1).put("chunksReceived", received.get())
                                .put("meanSquare", received.get() == 0 ? 0 : energy.sum() / received.get()));
                        out.flush();
                        Runtime.getRuntime().halt(0); // closing libwebrtc peers can abort the JVM; nothing is left to keep
                    }
                    default -> throw new IllegalStateException("shards: unknown message " + line);
                }
            } catch (Exception e) { // a peer that cannot offer or answer in time: the relay goes on without it
                send(out, msg("error", i).put("message", String.valueOf(e)));
            }
        }
        Runtime.getRuntime().halt(0); // the relay went away
    }

    private static ObjectNode msg(String type, int i) {
        return LoadRun.JSON.createObjectNode().put("type", type).put("i", i);
    }

    private static synchronized void send(PrintStream out, ObjectNode m) throws Exception {
        out.println(LibWebRtcJvm.LINE + LoadRun.JSON.writeValueAsString(m));
    }

    /** The load clips' shard source (mono, a voice-like tone) decoded once: one second of PCM to loop. */
    static short[] shardVoice() {
        OpusClips clips = new OpusClips(1);
        short[] pcm = new short[OpusClips.CYCLE * OpusClips.FRAME];
        short[] frame = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
        try (OpusDecoder dec = new OpusDecoder(1)) {
            for (int f = 0; f < OpusClips.CYCLE; f++) {
                byte[] p = clips.frame(0, f);
                System.arraycopy(frame, 0, pcm, f * OpusClips.FRAME, dec.decode(p, p.length, frame));
            }
        }
        return pcm;
    }
}
