package org.inwardportal.control.ops;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Aggregates requests like Netty's, but refuses an oversized one with a JSON error (code {@code too_large}). */
final class JsonErrorAggregator extends HttpObjectAggregator {
    private final int max;

    JsonErrorAggregator(int maxContentLength) {
        super(maxContentLength);
        this.max = maxContentLength;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ByteBuf body = Unpooled.copiedBuffer("{\"error\":{\"code\":\"too_large\",\"message\":\"requests are at most " + max
                + " bytes\"}}\n", StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        // As Netty does: on a kept-alive connection the rest of the body is read and dropped, so the
        // client, still sending, gets to read the answer; otherwise the connection closes.
        boolean close = oversized instanceof FullHttpMessage
                || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
        if (close) HttpUtil.setKeepAlive(res, false);
        ctx.writeAndFlush(res).addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
