package org.inwardportal.control.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.inwardportal.relay.peer.LibWebRtcJvm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local demo's world: the reference shard, a {@link org.inwardportal.signaling.client.ShardClient}
 * on libwebrtc, connected over 127.0.0.1 like any world server ({@link DemoWorld}: a melody 4 s on
 * and 2 s quiet, a moving test pattern, its players, chat now and then, the Discord voices it hears
 * counted). libwebrtc can abort the process it runs in, so the world runs in a JVM of its own; when
 * that exits (a lost connection, an abort) this logs why and starts it again. The child ends when
 * its standard input does, so it never outlives the relay, however the relay ends.
 */
final class SyntheticShard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyntheticShard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SHARD = "local-world";
    // a small heap: the child's Java side only pushes PCM and a few messages; libwebrtc's memory is native
    private static final List<String> CHILD_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1");
    private static final long FIRST_RETRY_MS = 3_000, MAX_RETRY_MS = 60_000, STEADY_NANOS = TimeUnit.MINUTES.toNanos(1);
    // a child reports twice a second once connected; connecting gives up (and says why) well within this
    private static final long SILENT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final URI signaling;
    private final String token;
    private final Thread supervisor;
    private final Deque<String> chatter = new ArrayDeque<>(); // the child's last lines of other output
    private volatile Process child;
    private volatile boolean closed, connected, playing;
    private long heardMs, heardBefore; // guarded by this: a child's count, and its predecessors'
    private volatile long heardFrom;
    private volatile int starts;

    SyntheticShard(URI signaling, String token) {
        this.signaling = signaling;
        this.token = token;
        this.supervisor = Thread.ofPlatform().daemon().name("demo-shard").unstarted(this::supervise);
    }

    void start() {
        supervisor.start();
    }

    boolean connected() {
        return connected;
    }

    boolean playing() {
        return connected && playing;
    }

    /** Milliseconds of Discord voice the world played (non-silent 10 ms chunks, summed over tracks), over every child so far. */
    synchronized long heardMs() {
        return heardBefore + heardMs;
    }

    /** How many world processes were started. */
    int starts() {
        return starts;
    }

    /** The world process running now, if any. */
    java.util.Optional<ProcessHandle> process() {
        Process p = child;
        return p == null || !p.isAlive() ? java.util.Optional.empty() : java.util.Optional.of(p.toHandle());
    }

    private void supervise() {
        long retryMs = FIRST_RETRY_MS;
        while (!closed) {
            long began = System.nanoTime();
            String why;
            try {
                why = runChild();
            } catch (Exception e) {
                why = "could not be started: " + e;
            }
            connected = false;
            playing = false;
            synchronized (this) {
                heardBefore += heardMs;
                heardMs = 0;
            }
            if (closed) return;
            if (System.nanoTime() - began > STEADY_NANOS) retryMs = FIRST_RETRY_MS;
            log.warn("demo: the world's shard process {}; starting it again in {} s", why, retryMs / 1000);
            try {
                Thread.sleep(retryMs);
            } catch (InterruptedException e) {
                return;
            }
            retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        }
    }

    /** Runs one world process until it exits; returns why it did. */
    private String runChild() throws Exception {
        Process p = new ProcessBuilder(LibWebRtcJvm.command(LibWebRtcJvm.thisJava(), CHILD_FLAGS, classpath(), DemoWorld.class.getName(),
                List.of(signaling.toString()))).redirectErrorStream(true).start();
        child = p;
        starts++;
        String[] lost = {null};
        Thread reader = LibWebRtcJvm.readOutput(p, "demo-shard-out", line -> lost[0] = onMessage(line, lost[0]), this::onChatter);
        OutputStream stdin = p.getOutputStream(); // kept open: its end tells the child to exit
        stdin.write((token + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        if (closed) stdin.close();
        heardFrom = System.nanoTime();
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
            if (System.nanoTime() - heardFrom > SILENT_NANOS) {
                p.destroyForcibly();
                return "stopped reporting for " + TimeUnit.NANOSECONDS.toSeconds(SILENT_NANOS) + " s and was killed" + lastChatter();
            }
        }
        int code = p.exitValue();
        reader.join(2000);
        if (lost[0] != null) return "lost its connection (" + lost[0] + ")";
        return "exited with code " + code + (code == 134 ? " (SIGABRT: libwebrtc aborted)" : code > 128 ? " (signal " + (code - 128) + ")" : "")
                + lastChatter();
    }

    private String onMessage(String line, String lost) {
        heardFrom = System.nanoTime();
        try {
            JsonNode m = JSON.readTree(line);
            switch (m.path("type").asText()) {
                case "connected" -> {
                    connected = true;
                    log.info("demo: synthetic shard '{}' connected (reference client on libwebrtc, process {}, {} ms)", SHARD,
                            m.path("pid").asLong(), m.path("ms").asLong());
                }
                case "status" -> {
                    playing = m.path("playing").asBoolean();
                    synchronized (this) {
                        heardMs = m.path("heardMs").asLong();
                    }
                }
                case "lost" -> {
                    return m.path("reason").asText();
                }
                default -> log.debug("demo shard: {}", line);
            }
        } catch (IOException e) {
            log.debug("demo shard: {}", line);
        }
        return lost;
    }

    private void onChatter(String line) {
        log.debug("demo shard: {}", line);
        synchronized (chatter) {
            if (line.isBlank() || line.equals("#")) return;
            if (chatter.size() == 5) chatter.removeFirst();
            chatter.addLast(line.strip());
        }
    }

    private String lastChatter() {
        synchronized (chatter) {
            return chatter.isEmpty() ? "" : ": " + String.join(" | ", chatter);
        }
    }

    /**
     * This JVM's class path and, in the distribution, lib/webrtc (libwebrtc, which the relay itself
     * never loads: only this child does).
     */
    private static String classpath() throws Exception {
        String cp = System.getProperty("java.class.path");
        Path self = Path.of(SyntheticShard.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path webrtc = self.resolveSibling("webrtc");
        if (!Files.isRegularFile(self) || !Files.isDirectory(webrtc)) return cp;
        try (Stream<Path> jars = Files.list(webrtc)) {
            return cp + File.pathSeparator + String.join(File.pathSeparator, jars.map(Path::toString).sorted().toList());
        }
    }

    @Override
    public void close() {
        closed = true;
        supervisor.interrupt();
        Process p = child;
        if (p != null) {
            try {
                p.getOutputStream().close();
                if (!p.waitFor(3, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (IOException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            supervisor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Process last = child;
        if (last != null && last.isAlive()) last.destroyForcibly();
    }
}
