package org.inwardportal.control.spectator;

import java.net.URI;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * Where the spectator page finds the signaling WebSocket: {@code signaling.public-url} when set (a
 * relay behind a proxy), else the host the browser used to reach the page, the signaling port and
 * {@code ws://} or {@code wss://} as the signaling server serves it.
 */
public final class SignalingAddress {
    private static final Pattern HOST = Pattern.compile("\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]{1,253}");
    private final String configured;
    private final boolean tls;
    private final IntSupplier port;

    /**
     * @param configured the public URL, or null to derive it per request
     * @param port       the signaling server's port (it may be chosen at start)
     */
    public SignalingAddress(String configured, boolean tls, IntSupplier port) {
        this.configured = configured;
        this.tls = tls;
        this.port = port;
    }

    /** The WebSocket URL for a page requested with this {@code Host} header (null if absent). */
    String url(String hostHeader) {
        if (configured != null) return configured;
        return (tls ? "wss://" : "ws://") + hostName(hostHeader) + ":" + port.getAsInt() + "/signal";
    }

    /** The origin a Content-Security-Policy must allow the page to connect to. */
    static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    // the Host header without its port; anything that is not a plain host name or address is not echoed
    static String hostName(String hostHeader) {
        if (hostHeader == null) return "localhost";
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? "" : h.substring(0, end + 1);
        } else if (h.indexOf(':') >= 0) {
            h = h.substring(0, h.indexOf(':'));
        }
        return HOST.matcher(h).matches() ? h : "localhost";
    }
}
