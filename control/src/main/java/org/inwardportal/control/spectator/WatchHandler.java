package org.inwardportal.control.spectator;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.inwardportal.signaling.Invites;

/**
 * The spectator page on the HTTP server: {@code GET /watch/<invite>} (the player, or why the invite
 * does not admit: 403 forged, 410 expired), {@code /watch/b/<binding>} (the channel topic's link: how
 * to get a personal one) and {@code /watch/assets/…} (the page's files, cached for good). Every
 * other path goes on to the next handler.
 */
@ChannelHandler.Sharable
public final class WatchHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String ROOT = "/watch";
    private static final String CHANNEL_LINKS = "/watch/b/";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final WatchAssets assets = new WatchAssets();
    private final Supplier<Invites> invites;
    private final SignalingAddress signaling;

    /** @param invites the relay's invites, null while signaling is not started */
    public WatchHandler(Supplier<Invites> invites, SignalingAddress signaling) {
        super(false);
        this.invites = invites;
        this.signaling = signaling;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = req.decoderResult().isSuccess() ? new QueryStringDecoder(req.uri()).path() : "";
        if (!path.equals(ROOT) && !path.startsWith(ROOT + "/")) {
            ctx.fireChannelRead(req);
            return;
        }
        try {
            FullHttpResponse res = answer(req, path);
            if (req.method().equals(HttpMethod.HEAD)) res = res.replace(Unpooled.EMPTY_BUFFER);
            HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
            ctx.writeAndFlush(res);
        } finally {
            req.release();
        }
    }

    private FullHttpResponse answer(FullHttpRequest req, String path) {
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse r = plain(HttpResponseStatus.METHOD_NOT_ALLOWED, req.method() + " is not allowed here\n");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return r;
        }
        if (path.startsWith(WatchAssets.PREFIX)) {
            WatchAssets.Asset a = assets.at(path);
            if (a == null) return plain(HttpResponseStatus.NOT_FOUND, "no such file\n");
            FullHttpResponse r = response(HttpResponseStatus.OK, a.body(), a.contentType());
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE);
            return r;
        }
        if (path.startsWith(CHANNEL_LINKS) && oneSegment(path.substring(CHANNEL_LINKS.length()))) {
            return page(HttpResponseStatus.OK, WatchPage.Kind.CHANNEL_LINK, null);
        }
        String invite = path.length() > ROOT.length() + 1 ? path.substring(ROOT.length() + 1) : "";
        if (!oneSegment(invite)) return page(HttpResponseStatus.NOT_FOUND, WatchPage.Kind.NOT_FOUND, null);
        Invites inv = invites.get();
        if (inv == null) {
            FullHttpResponse r = page(HttpResponseStatus.SERVICE_UNAVAILABLE, WatchPage.Kind.STARTING, null);
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            return r;
        }
        if (inv.verify(invite).isPresent()) {
            return page(HttpResponseStatus.OK, WatchPage.Kind.OK, signaling.url(req.headers().get(HttpHeaderNames.HOST)));
        }
        return inv.expired(invite) ? page(HttpResponseStatus.GONE, WatchPage.Kind.EXPIRED, null)
                : page(HttpResponseStatus.FORBIDDEN, WatchPage.Kind.INVALID, null);
    }

    private static boolean oneSegment(String s) {
        return !s.isEmpty() && s.indexOf('/') < 0;
    }

    private FullHttpResponse page(HttpResponseStatus status, WatchPage.Kind kind, String signalingUrl) {
        FullHttpResponse r = response(status, WatchPage.render(assets, kind, signalingUrl).getBytes(StandardCharsets.UTF_8),
                "text/html; charset=utf-8");
        HttpHeaders h = r.headers();
        // the URL holds a personal invite: never cached, never sent on as a referrer, never framed
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Permissions-Policy", kind == WatchPage.Kind.OK ? "microphone=(self), camera=(), geolocation=()" : "microphone=(), camera=(), geolocation=()");
        h.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, contentSecurityPolicy(signalingUrl));
        return r;
    }

    /** Only the page's own files; the one connection it makes is the signaling WebSocket. */
    static String contentSecurityPolicy(String signalingUrl) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self' blob: mediastream:; "
                + "connect-src " + (signalingUrl == null ? "'none'" : SignalingAddress.origin(signalingUrl))
                + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String text) {
        FullHttpResponse r = response(status, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static FullHttpResponse response(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("X-Content-Type-Options", "nosniff");
        return r;
    }
}
