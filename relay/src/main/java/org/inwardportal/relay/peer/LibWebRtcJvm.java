package org.inwardportal.relay.peer;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A JVM of its own for libwebrtc, started by this one: libwebrtc can abort the process it runs in
 * ({@link LibWebRtcPeer}), and then only that child ends. Parent and child talk over the child's
 * standard input and output, one message per line; the child's protocol lines start with
 * {@link #LINE} (anything else there is a library's chatter). A child ends when its standard input
 * does, so it never outlives its parent.
 */
public final class LibWebRtcJvm {
    /** What a protocol line on the child's standard output starts with. */
    public static final String LINE = "@@ ";

    private LibWebRtcJvm() {
    }

    /**
     * {@code java FLAGS --enable-native-access=ALL-UNNAMED -cp CLASSPATH MAIN ARGS}, as root under
     * {@code setpriv} without CAP_SYS_NICE: libwebrtc asks for realtime priority for its audio
     * threads, and as root it would get it and starve every other thread of the machine.
     */
    public static List<String> command(String java, List<String> flags, String classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv"))) cmd.addAll(List.of("/usr/bin/setpriv", "--bounding-set=-sys_nice"));
        cmd.add(java);
        cmd.addAll(flags);
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classpath, mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /** This JVM's own {@code java}. */
    public static String thisJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** In the child: standard output for protocol lines; {@code System.out} goes to standard error from now on. */
    public static PrintStream protocolOut() {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        return out;
    }

    /** In the parent: reads a child's output on a daemon thread; protocol lines (without {@link #LINE}) go to one consumer, the rest to the other. */
    public static Thread readOutput(Process child, String threadName, Consumer<String> protocol, Consumer<String> chatter) {
        return Thread.ofPlatform().daemon().name(threadName).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith(LINE)) protocol.accept(line.substring(LINE.length()));
                    else chatter.accept(line);
                }
            } catch (Exception ignored) {
                // the child ended
            }
        });
    }

    /** Whether this process runs as root (Linux; false elsewhere). */
    public static boolean isRoot() {
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
