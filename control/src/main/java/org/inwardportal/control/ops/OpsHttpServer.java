package org.inwardportal.control.ops;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.relay.net.IoTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server for operations: {@code /healthz}, {@code /readyz}, {@code /metrics}. Later
 * routes (the API, the spectator page) join the same server. Netty, one small event loop of its
 * own so a slow scrape never shares a thread with media.
 */
public final class OpsHttpServer implements Component {
    private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);
    /** Requests to the ops server are tiny; anything larger is refused with 413. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final String host;
    private final int port;
    private final OpsRoutes routes;
    private final IoTransport transport = IoTransport.best();
    private EventLoopGroup group;
    private Channel channel;
    private volatile Health health = Health.starting();

    public OpsHttpServer(String host, int port, OpsRoutes routes) {
        this(host, port, routes, null);
    }

    /** With the HTTP API: {@code api} makes its handler per connection (it runs off the I/O loop). */
    public OpsHttpServer(String host, int port, OpsRoutes routes, java.util.function.Supplier<io.netty.channel.ChannelHandler> api) {
        this.host = host;
        this.port = port;
        this.routes = routes;
        this.api = api;
    }

    private final java.util.function.Supplier<io.netty.channel.ChannelHandler> api;
    private io.netty.util.concurrent.EventExecutorGroup apiExecutor;
    private volatile io.netty.channel.ChannelHandler page;

    /** Serves the spectator page with this (sharable) handler, ahead of the ops routes; call before {@link #start()}. */
    public void spectatorPage(io.netty.channel.ChannelHandler handler) {
        this.page = handler;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void start() throws Exception {
        group = transport.newGroup(1, "portal-http");
        if (api != null) apiExecutor = new io.netty.util.concurrent.DefaultEventExecutorGroup(2,
                new io.netty.util.concurrent.DefaultThreadFactory("portal-api", true));
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("idle", new ReadTimeoutHandler(60, TimeUnit.SECONDS))
                                .addLast("codec", new HttpServerCodec())
                                .addLast("keepalive", new HttpServerKeepAliveHandler())
                                .addLast("aggregate", new JsonErrorAggregator(MAX_REQUEST_BYTES));
                        if (page != null) ch.pipeline().addLast("page", page);
                        ch.pipeline().addLast("routes", new OpsHttpHandler(routes));
                        if (api != null) ch.pipeline().addLast(apiExecutor, "api", api.get());
                    }
                });
        try {
            channel = b.bind(host, port).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        health = Health.ready("listening on " + bound.getHostString() + ":" + bound.getPort());
        log.info("http listening on http://{}:{} (transport {})", bound.getHostString(), bound.getPort(),
                transport.name().toLowerCase());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void stop(Duration budget) throws Exception {
        health = Health.stopped();
        if (channel != null) {
            channel.close().await(budget.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (apiExecutor != null) apiExecutor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (group != null) {
            group.shutdownGracefully(0, Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS)
                    .await(budget.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public Health health() {
        return health;
    }
}
