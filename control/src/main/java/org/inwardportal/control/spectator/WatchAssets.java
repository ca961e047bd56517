package org.inwardportal.control.spectator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spectator page's static files, read from the jar once. Each asset is served under a name that
 * carries a hash of its content ({@code /watch/assets/watch.3f2a9c1b.js}), so browsers may keep it
 * for a year and a new release is still fetched at once.
 */
final class WatchAssets {
    static final String PREFIX = "/watch/assets/";
    private static final String FOLDER = "/org/inwardportal/control/spectator/web/";

    /** One file: its bytes, its content type, and the path it is served at. */
    record Asset(String path, String contentType, byte[] body) {
    }

    private final Map<String, Asset> byPath = new LinkedHashMap<>();
    private final Map<String, String> pathByName = new LinkedHashMap<>();
    private final String template;

    WatchAssets() {
        add("watch.js", "text/javascript; charset=utf-8");
        add("watch.css", "text/css; charset=utf-8");
        add("icon.svg", "image/svg+xml");
        template = new String(read("watch.html"), StandardCharsets.UTF_8);
    }

    private void add(String name, String contentType) {
        byte[] body = read(name);
        int dot = name.lastIndexOf('.');
        String path = PREFIX + name.substring(0, dot) + "." + hash(body) + name.substring(dot);
        byPath.put(path, new Asset(path, contentType, body));
        pathByName.put(name, path);
    }

    private static byte[] read(String name) {
        try (InputStream in = WatchAssets.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) throw new IllegalStateException("the spectator page's " + name + " is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The asset served at {@code path}, or null. */
    Asset at(String path) {
        return byPath.get(path);
    }

    /** Where an asset is served, e.g. {@code watch.js} → {@code /watch/assets/watch.3f2a9c1b.js}. */
    String pathOf(String name) {
        return pathByName.get(name);
    }

    /** The page's HTML with {@code {{placeholders}}}. */
    String template() {
        return template;
    }
}
