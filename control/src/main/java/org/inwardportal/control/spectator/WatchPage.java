package org.inwardportal.control.spectator;

import java.util.Map;

/**
 * The spectator page's HTML for one request: the player when the invite admits, or a page that says
 * plainly why not. Values are HTML-escaped; the page carries no inline script or style, so the
 * Content-Security-Policy can forbid both.
 */
final class WatchPage {
    /** What the page shows; {@code OK} is the player, every other one a message. */
    enum Kind {
        OK("Watching", ""),
        EXPIRED("This link has expired",
                "Personal links to watch a world last 24 hours. Run /portal invite in the world's Discord channel for a new one."),
        INVALID("This link does not work",
                "It was not made by this relay, or it was changed on the way. Run /portal invite in the world's Discord channel "
                        + "for your own link."),
        CHANNEL_LINK("Get your own link in Discord",
                "This link in the channel topic only points at the world. To watch and talk, run /portal invite in that Discord "
                        + "channel: the bot answers with a personal link, just for you, that works for 24 hours."),
        NOT_FOUND("Nothing here", "A link to watch a world looks like /watch/… and comes from /portal invite in Discord."),
        STARTING("The relay is starting", "Try again in a few seconds.");

        final String title;
        final String message;

        Kind(String title, String message) {
            this.title = title;
            this.message = message;
        }
    }

    private WatchPage() {
    }

    static String render(WatchAssets assets, Kind kind, String signalingUrl) {
        Map<String, String> values = Map.of(
                "signaling", kind == Kind.OK ? signalingUrl : "",
                "state", kind == Kind.OK ? "ok" : kind.name().toLowerCase(),
                "title", kind.title,
                "message", kind.message,
                "css", assets.pathOf("watch.css"),
                "js", assets.pathOf("watch.js"),
                "icon", assets.pathOf("icon.svg"));
        String html = assets.template();
        for (Map.Entry<String, String> e : values.entrySet()) html = html.replace("{{" + e.getKey() + "}}", escape(e.getValue()));
        return html;
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
