package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.peer.LibWebRtcJvm;

/**
 * Runs the libwebrtc transcoding baseline ({@link WebRtcRelayBaseline}) for a load run's bindings
 * in a JVM of its own inside a private network namespace (scripts/lib/netns/bin/java: its two
 * libwebrtc sides find each other only by their adapters' candidates, and adapter enumeration skips
 * loopback; a libwebrtc abort then ends that JVM, not the harness). Needs root for the
 * namespace; otherwise, or when the run fails, the result says why instead of giving figures.
 */
final class LibWebRtcBaseline {
    private LibWebRtcBaseline() {
    }

    /** The baseline's JSON, or {@code {"skipped": reason}} / {@code {"failed": reason}}. */
    static JsonNode run(int bindings, int members, int seconds, int warmupSeconds) throws Exception {
        ObjectNode none = LoadRun.JSON.createObjectNode();
        Path wrapper = netnsJava();
        if (wrapper == null) return none.put("skipped", "scripts/lib/netns/bin/java not found above " + Path.of("").toAbsolutePath());
        if (!LibWebRtcJvm.isRoot()) return none.put("skipped", "needs root, to create the private network namespace libwebrtc runs in");
        Path out = Files.createTempFile("portal-baseline-n" + bindings, ".json");
        try {
            // as root without CAP_SYS_NICE (LibWebRtcJvm): it runs as a relay service would
            List<String> cmd = LibWebRtcJvm.command(wrapper.toString(), List.of("-XX:+UseZGC", "-Djava.awt.headless=true"),
                    System.getProperty("java.class.path"), WebRtcRelayBaseline.class.getName(), List.of(Integer.toString(bindings),
                            Integer.toString(members), Integer.toString(seconds), Integer.toString(warmupSeconds), out.toString()));
            boolean realtime = !cmd.getFirst().endsWith("setpriv");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("NETNS_JAVA", LibWebRtcJvm.thisJava());
            Process p = pb.start();
            long limit = 60L + seconds + warmupSeconds + 3L * bindings; // setup took ~0.4 s per binding on a quiet machine
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return none.put("failed", "not done within " + limit + " s");
            }
            if (Files.size(out) == 0) return none.put("failed", "exited " + p.exitValue() + " without a result (see its output above)");
            return ((ObjectNode) LoadRun.JSON.readTree(out.toFile())).put("realtimePrioritiesAllowed", realtime);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The namespace wrapper, looked for from the working directory up (scripts/load runs at the top, tests in bench/). */
    static Path netnsJava() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path w = d.resolve("scripts/lib/netns/bin/java");
            if (Files.isExecutable(w)) return w;
        }
        return null;
    }
}
