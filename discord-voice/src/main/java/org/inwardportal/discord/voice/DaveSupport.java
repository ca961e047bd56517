package org.inwardportal.discord.voice;

import club.minnced.discord.jdave.ffi.LibDave;

/**
 * Which DAVE (Discord's end-to-end voice encryption) implementation this process can use, found
 * once at start-up. Discord closes voice connections without DAVE (close 4017) since 2026-03-01,
 * so a relay that reaches real Discord needs it; libdave (through jdave) needs glibc 2.38 or newer.
 */
public record DaveSupport(boolean available, int maxProtocolVersion, String description) {

    private static volatile DaveSupport probed;

    /** Loads libdave once and reports what happened. Never throws. */
    public static DaveSupport probe() {
        DaveSupport d = probed;
        if (d == null) {
            synchronized (DaveSupport.class) {
                if ((d = probed) == null) {
                    probed = d = load();
                }
            }
        }
        return d;
    }

    private static DaveSupport load() {
        try {
            int version = LibDave.getMaxSupportedProtocolVersion();
            return new DaveSupport(true, version, "libdave (jdave " + LibDave.class.getPackage().getImplementationVersion()
                    + "), DAVE protocol version " + version);
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().replaceAll("\\s+", " ");
            return new DaveSupport(false, 0, "libdave cannot load here (" + why + "): it needs glibc >= 2.38 and"
                    + " GLIBCXX_3.4.32, as on Debian 13 or Ubuntu 24.04 (this host has glibc " + glibc() + ")");
        }
    }

    private static String glibc() {
        try {
            Process p = new ProcessBuilder("ldd", "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readNBytes(200)).lines().findFirst().orElse("");
            p.waitFor();
            String[] words = first.trim().split("\\s+");
            return words.length == 0 ? "unknown" : words[words.length - 1];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
