package org.inwardportal.control.discord;

import java.util.function.Supplier;
import org.inwardportal.control.binding.Binding;

/**
 * Where spectators watch a world: {@code <public URL>/watch/…}. A bound text channel's topic carries
 * the binding's link (the page there asks who you are: issue 9); {@code /portal invite} hands out
 * personal, signed, expiring ones.
 */
public final class SpectatorLinks {
    private final Supplier<String> base;

    /** @param base the relay's public HTTP URL, without a trailing slash */
    public SpectatorLinks(Supplier<String> base) {
        this.base = base;
    }

    /** The binding's link, as the topic carries it. */
    public String topicLink(Binding b) {
        return trimmed() + topicPath(b);
    }

    /**
     * What a topic must contain for the binding to bridge: the link's path, so a link made under an
     * earlier public URL or port (a restart on port 0, a new proxy) still counts.
     */
    public static String topicPath(Binding b) {
        return "/watch/b/" + b.id();
    }

    /** A personal link for a signed invite. */
    public String personal(String invite) {
        return trimmed() + "/watch/" + invite;
    }

    private String trimmed() {
        String b = base.get();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
