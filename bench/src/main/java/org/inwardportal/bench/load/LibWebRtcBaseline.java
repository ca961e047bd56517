package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the libwebrtc transcoding baseline ({@link WebRtcRelayBaseline}) for a load run's bindings
 * in a JVM of its own inside a private network namespace (scripts/lib/netns/bin/java: libwebrtc
 * ignores loopback, and a libwebrtc abort then ends that JVM, not the harness). Needs root for the
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
        if (!isRoot()) return none.put("skipped", "needs root, to create the private network namespace libwebrtc runs in");
        Path out = Files.createTempFile("portal-baseline-n" + bindings, ".json");
        try {
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> cmd = new ArrayList<>();
            // libwebrtc asks for realtime priority for its audio threads; as root it would get it and starve every
            // other thread of the machine (ours too). Without CAP_SYS_NICE it runs as a relay service would.
            if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) cmd.addAll(List.of("/usr/bin/setpriv", "--bounding-set=-sys_nice"));
            cmd.addAll(List.of(wrapper.toString(), "-XX:+UseZGC", "--enable-native-access=ALL-UNNAMED",
                    "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), WebRtcRelayBaseline.class.getName(),
                    Integer.toString(bindings), Integer.toString(members), Integer.toString(seconds), Integer.toString(warmupSeconds), out.toString()));
            boolean realtime = !cmd.getFirst().endsWith("setpriv");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("NETNS_JAVA", java);
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

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[1].equals("0");
            }
        } catch (Exception e) {
            // not Linux
        }
        return false;
    }
}
