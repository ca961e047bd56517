package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.inwardportal.control.logging.LogSetup;

/**
 * {@code scripts/load}: runs the load harness for each requested count of bindings and writes the
 * report. Several counts (of bindings, of viewers per binding: one run per pair) run one after
 * another, each in a fresh JVM (same flags and class path),
 * so that one run's heap and threads do not sit in the next one's memory and CPU figures.
 */
public final class LoadMain {
    private static final String CHILD = "--child-output";

    private LoadMain() {
    }

    public static void main(String[] args) throws Exception {
        LogSetup.configure("text", "info"); // as the daemon logs: libraries at WARN, no DEBUG lines on the measured paths
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            System.err.println(LoadOptions.USAGE);
            System.exit(2);
        }
    }

    static int run(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals(CHILD)) { // CHILD out viewers args…; the whole --viewers list stays, for o.video()
            LoadOptions o = LoadOptions.parse(java.util.Arrays.copyOfRange(args, 3, args.length));
            JsonNode r = LoadRun.run(o.bindings().getFirst(), Integer.parseInt(args[2]), o);
            Files.writeString(Path.of(args[1]), LoadRun.JSON.writeValueAsString(r));
            return 0;
        }
        if (args.length == 2 && args[0].equals("--replot")) { // redraw latest.* from latest.json, e.g. after changing a plot
            List<JsonNode> runs = new ArrayList<>();
            LoadRun.JSON.readTree(Path.of(args[1], "latest.json").toFile()).forEach(runs::add);
            for (Path f : LoadReport.writeSummary(Path.of(args[1]), runs)) System.out.println("load: wrote " + f);
            return 0;
        }
        LoadOptions o = LoadOptions.parse(args);
        List<JsonNode> runs = new ArrayList<>();
        if (o.bindings().size() == 1 && o.viewers().size() == 1) {
            runs.add(LoadRun.run(o.bindings().getFirst(), o));
        } else {
            runs:
            for (int n : o.bindings()) {
                for (int v : o.viewers()) {
                    JsonNode r = inFreshJvm(n, v, args);
                    if (r == null) {
                        System.err.println("load: the run with " + n + " bindings, " + v + " viewers each failed; stopping here");
                        break runs;
                    }
                    runs.add(r);
                }
            }
        }
        if (runs.isEmpty()) return 1;
        for (Path f : LoadReport.write(o.out(), runs)) System.out.println("load: wrote " + f);
        System.out.print(LoadReport.table(runs));
        return 0;
    }

    private static JsonNode inFreshJvm(int n, int v, String[] args) throws Exception {
        Path out = Files.createTempFile("portal-load-n" + n, ".json");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LoadMain.class.getName());
        cmd.add(CHILD);
        cmd.add(out.toString());
        cmd.add(Integer.toString(v));
        cmd.addAll(List.of(args));
        cmd.add("--bindings"); // the last one given wins
        cmd.add(Integer.toString(n));
        System.out.println("load: " + n + " bindings, " + v + " viewers each, in a fresh JVM");
        int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        try {
            return code == 0 ? LoadRun.JSON.readTree(out.toFile()) : null;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
