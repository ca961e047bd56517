package org.inwardportal.control.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged {@code bin/portal} started as a real process, with its output collected line by line. */
final class PortalProcess implements AutoCloseable {
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread[] readers = new Thread[2];

    static Path dist() {
        String d = System.getProperty("portal.dist");
        if (d == null) {
            throw new IllegalStateException("portal.dist is not set: run through `./mvnw verify` (failsafe)");
        }
        return Path.of(d);
    }

    PortalProcess(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", dist().resolve("bin/portal").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PORTAL_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        process = pb.start();
        readers[0] = pump(process.getInputStream(), stdout);
        readers[1] = pump(process.getErrorStream(), stderr);
    }

    private static Thread pump(InputStream in, List<String> sink) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (sink) {
                        sink.add(line);
                        sink.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
    }

    /** Waits for a stdout line matching the pattern and returns its match. */
    Matcher awaitStdout(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            int seen = 0;
            while (true) {
                for (; seen < stdout.size(); seen++) {
                    Matcher m = p.matcher(stdout.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !readers[0].isAlive())) {
                    throw new AssertionError("no line matching /" + regex + "/ within " + timeout
                            + "\nstdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + stderr());
                }
                stdout.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the process to exit (and its output to be read) and returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        for (Thread t : readers) {
            t.join(5000);
        }
        return process.exitValue();
    }

    /**
     * SIGTERM, as a service manager sends it. Through the handle: {@code Process.destroy()} would
     * also close our ends of the child's stdout and stderr and lose its last lines.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, String.valueOf(javaPid())).inheritIO().start().waitFor();
    }

    /** bin/portal execs java, so the process we started is the JVM itself. */
    long javaPid() {
        return process.pid();
    }

    String stdout() {
        synchronized (stdout) {
            return String.join("\n", stdout);
        }
    }

    String stderr() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
