package org.inwardportal.control.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.inwardportal.control.lifecycle.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes one aggregated HTTP request of the ops server to its answer. */
final class OpsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(OpsHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final OpsRoutes routes;

    OpsHttpHandler(OpsRoutes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            sendAndClose(ctx, error(status, "malformed HTTP request"));
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.startsWith("/api/") && ctx.pipeline().get("api") != null) {
            ctx.fireChannelRead(req.retain()); // the API handler, on its own executor
            return;
        }
        FullHttpResponse res = switch (path) {
            case "/healthz" -> onlyGet(req, () -> text(HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8"));
            case "/readyz" -> onlyGet(req, this::readiness);
            case "/metrics" -> onlyGet(req, () -> text(HttpResponseStatus.OK, routes.metrics().get(), PROMETHEUS_TEXT));
            default -> error(HttpResponseStatus.NOT_FOUND, "no such path: " + path);
        };
        if (req.method().equals(HttpMethod.HEAD)) {
            res = res.replace(Unpooled.EMPTY_BUFFER);
        }
        HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
        ctx.writeAndFlush(res);
    }

    private static FullHttpResponse onlyGet(FullHttpRequest req, java.util.function.Supplier<FullHttpResponse> answer) {
        if (req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD)) {
            return answer.get();
        }
        FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, req.method() + " is not allowed here");
        r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        return r;
    }

    private FullHttpResponse readiness() {
        boolean ready = routes.ready().getAsBoolean();
        ObjectNode body = JSON.createObjectNode();
        body.put("ready", ready);
        ObjectNode components = body.putObject("components");
        for (Map.Entry<String, Health> e : routes.health().get().entrySet()) {
            ObjectNode c = components.putObject(e.getKey());
            c.put("state", e.getValue().state().name().toLowerCase());
            if (!e.getValue().detail().isEmpty()) {
                c.put("detail", e.getValue().detail());
            }
        }
        return json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    static FullHttpResponse error(HttpResponseStatus status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", status.reasonPhrase());
        body.put("message", message);
        return json(status, body);
    }

    private static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
        return text(status, body.toString() + "\n", "application/json");
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return res;
    }

    private static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse res) {
        HttpUtil.setKeepAlive(res, false);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            ctx.close();
            return;
        }
        log.debug("ops http connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
