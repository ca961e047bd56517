package org.inwardportal.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.control.binding.BindingStore;
import org.inwardportal.control.binding.LiveBinding;
import org.inwardportal.relay.binding.BindingPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP API v1 (docs/http-api.md): requests under {@code /api/}, locked by the API secret
 * ({@code Authorization: Bearer …}), rate-limited per address and per secret, answered in JSON,
 * errors as {@code {"error": {"code", "message", "field"?}}}. Runs on its own executor (it reads
 * and writes the store), never on the I/O loop.
 */
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BINDING = Pattern.compile("/api/v1/bindings/([A-Za-z0-9-]{1,40})");
    private static final Pattern SNOWFLAKE = Pattern.compile("[0-9]{1,20}");

    private final ApiSecret secret;
    private final BindingService bindings;
    private final Announcer announcer;
    private final GithubHook github; // null when no webhook secret is configured
    private final RateLimiter perAddress;
    private final RateLimiter perSecret;

    public ApiHandler(ApiSecret secret, BindingService bindings, Announcer announcer, GithubHook github, int requestsPerMinute) {
        this.secret = secret;
        this.bindings = bindings;
        this.announcer = announcer;
        this.github = github;
        this.perAddress = new RateLimiter(requestsPerMinute, System::nanoTime);
        this.perSecret = new RateLimiter(requestsPerMinute, System::nanoTime);
    }

    /** An error answer: status, machine-readable code, message, optionally the field at fault. */
    static class ApiError extends Exception {
        final HttpResponseStatus status;
        final String code;
        final String field;

        ApiError(HttpResponseStatus status, String code, String message, String field) {
            super(message);
            this.status = status;
            this.code = code;
            this.field = field;
        }

        ApiError(HttpResponseStatus status, String code, String message) {
            this(status, code, message, null);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        FullHttpResponse res;
        try {
            res = answer(ctx, req);
        } catch (ApiError e) {
            res = error(e);
        } catch (SQLException e) {
            log.warn("API {} {}: the store failed: {}", req.method(), path(req), e.getMessage());
            res = error(new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "store_unavailable", "the relay's store cannot be reached"));
        }
        HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
        ctx.writeAndFlush(res);
    }

    private static String path(FullHttpRequest req) {
        return new QueryStringDecoder(req.uri()).path();
    }

    private FullHttpResponse answer(ChannelHandlerContext ctx, FullHttpRequest req) throws ApiError, SQLException {
        String address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?";
        String path = path(req);
        limit(perAddress, address);
        if (path.equals("/api/v1/hooks/github") && github != null) {
            // GitHub cannot send our bearer secret: the delivery's signature is its authentication
            if (!req.method().equals(HttpMethod.POST)) throw notAllowed(req, "POST");
            limit(perSecret, "github");
            return github(req, address);
        }
        authenticate(req, address, path);
        limit(perSecret, "secret");
        if (path.equals("/api/v1/notify")) {
            if (!req.method().equals(HttpMethod.POST)) throw notAllowed(req, "POST");
            return notify(req);
        }
        if (path.equals("/api/v1/bindings")) {
            if (req.method().equals(HttpMethod.GET)) return listBindings();
            if (req.method().equals(HttpMethod.POST)) return createBinding(req);
            throw notAllowed(req, "GET, POST");
        }
        Matcher m = BINDING.matcher(path);
        if (m.matches()) {
            if (req.method().equals(HttpMethod.GET)) {
                Binding b = bindings.store().byId(m.group(1)).orElseThrow(() -> noBinding(m.group(1)));
                return json(HttpResponseStatus.OK, describe(b));
            }
            if (req.method().equals(HttpMethod.DELETE)) {
                if (!bindings.remove(m.group(1), "deleted through the HTTP API")) throw noBinding(m.group(1));
                return empty(HttpResponseStatus.NO_CONTENT);
            }
            throw notAllowed(req, "GET, DELETE");
        }
        throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no such API path: " + path);
    }

    private static void limit(RateLimiter limiter, String key) throws ApiError {
        long wait = limiter.acquire(key);
        if (wait > 0) throw new RateLimited(wait);
    }

    private static final class RateLimited extends ApiError {
        final long retryAfterSeconds;

        RateLimited(long seconds) {
            super(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited", "too many requests; retry in " + seconds + " s");
            this.retryAfterSeconds = seconds;
        }
    }

    private void authenticate(FullHttpRequest req, String address, String path) throws ApiError {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            log.warn("API: {} {} from {} without a secret", req.method(), path, address);
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "missing_secret", "send the API secret as 'Authorization: Bearer <secret>'");
        }
        if (!secret.matches(header.substring(7).strip())) {
            log.warn("API: {} {} from {} with a wrong secret", req.method(), path, address); // never the secret itself
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "wrong_secret", "the API secret is wrong");
        }
    }

    private static ApiError notAllowed(FullHttpRequest req, String allowed) {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                req.method() + " is not allowed here; allowed: " + allowed);
    }

    private static ApiError noBinding(String id) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_binding", "no binding " + id);
    }

    private FullHttpResponse listBindings() throws SQLException {
        ObjectNode body = JSON.createObjectNode();
        var list = body.putArray("bindings");
        for (Binding b : bindings.store().all()) list.add(describe(b));
        return json(HttpResponseStatus.OK, body);
    }

    private FullHttpResponse createBinding(FullHttpRequest req) throws ApiError, SQLException {
        JsonNode body = parse(req);
        String shard = text(body, "shard", true);
        long guild = snowflake(body, "guild", true);
        long voice = snowflake(body, "voiceChannel", true);
        long text = snowflake(body, "textChannel", false);
        String name = Optional.ofNullable(text(body, "name", false)).orElse(shard);
        BindingPipeline.ToShard toShard;
        String mode = Optional.ofNullable(text(body, "toShard", false)).orElse("per_speaker");
        try {
            toShard = BindingPipeline.ToShard.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", "toShard is 'per_speaker' or 'mixed'", "toShard");
        }
        Binding b;
        try {
            b = new Binding(bindings.store().newId(), guild, voice, text == 0 ? null : text, shard, name, toShard,
                    bool(body, "notifications"), bool(body, "chatBridge"), "api", Instant.now());
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().contains("shard") ? "shard" : "name";
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", e.getMessage(), field);
        }
        try {
            bindings.check(b);
            bindings.create(b);
        } catch (BindingService.Invalid e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", e.getMessage(), e.field);
        } catch (BindingStore.Conflict e) {
            throw new ApiError(HttpResponseStatus.CONFLICT, "already_bound", e.getMessage());
        }
        return json(HttpResponseStatus.CREATED, describe(b));
    }

    private FullHttpResponse notify(FullHttpRequest req) throws ApiError, SQLException {
        JsonNode body = parse(req);
        String bindingId = text(body, "binding", false);
        long channelId = snowflake(body, "channel", false);
        if ((bindingId == null) == (channelId == 0)) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "missing_field", "name either 'binding' (an id) or 'channel' (a Discord id)", "channel");
        }
        if (bindingId != null) {
            Binding b = bindings.store().byId(bindingId).orElseThrow(() -> noBinding(bindingId));
            if (b.textChannelId() == null) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", "binding " + bindingId + " has no text channel", "binding");
            }
            channelId = b.textChannelId();
        }
        String text = Optional.ofNullable(text(body, "text", false)).orElse("");
        if (text.length() > 2000) throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", "'text' is at most 2000 characters", "text");
        java.util.List<net.dv8tion.jda.api.entities.MessageEmbed> embeds = body.has("embed")
                ? java.util.List.of(Embeds.from(body.get("embed"))) : java.util.List.of();
        if (text.isBlank() && embeds.isEmpty()) throw new ApiError(HttpResponseStatus.BAD_REQUEST, "missing_field", "send 'text', 'embed' or both", "text");
        long target = channelId;
        var channel = announcer.channel(target).orElseThrow(() -> new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_channel",
                "no text channel " + target + " that a bot of the relay can see", bindingId != null ? "binding" : "channel"));
        String id = post(channel, text, embeds);
        return json(HttpResponseStatus.CREATED, JSON.createObjectNode().put("posted", id).put("channel", Long.toString(target)));
    }

    private String post(net.dv8tion.jda.api.entities.channel.concrete.TextChannel channel, String text,
                        java.util.List<net.dv8tion.jda.api.entities.MessageEmbed> embeds) throws ApiError {
        try {
            return announcer.post(channel, text, embeds);
        } catch (RuntimeException e) {
            log.warn("API: posting in #{} failed: {}", channel.getName(), e.getMessage());
            throw new ApiError(HttpResponseStatus.BAD_GATEWAY, "discord_failed", "Discord refused the message: " + e.getMessage());
        }
    }

    private FullHttpResponse github(FullHttpRequest req, String address) throws ApiError {
        byte[] raw = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), raw);
        if (!github.verify(raw, req.headers().get("X-Hub-Signature-256"))) {
            log.warn("API: GitHub delivery from {} with a missing or wrong signature", address);
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "bad_signature", "X-Hub-Signature-256 does not match the body");
        }
        JsonNode body = parse(req);
        String event = Optional.ofNullable(req.headers().get("X-GitHub-Event")).orElse("");
        if (event.equals("ping")) return json(HttpResponseStatus.OK, JSON.createObjectNode().put("pong", true));
        Optional<String> line = GithubHook.describe(event, body);
        if (line.isEmpty()) return json(HttpResponseStatus.ACCEPTED, JSON.createObjectNode().put("ignored", event));
        var channel = announcer.channel(github.channel()).orElseThrow(() -> new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "unknown_channel", "the configured api.github-channel is not a text channel a bot of the relay can see"));
        return json(HttpResponseStatus.CREATED, JSON.createObjectNode().put("posted", post(channel, line.get(), java.util.List.of())));
    }

    private static JsonNode parse(FullHttpRequest req) throws ApiError {
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "json_required", "send a JSON body (Content-Type: application/json)");
        }
        try {
            JsonNode n = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) throw new ApiError(HttpResponseStatus.BAD_REQUEST, "malformed_json", "the body must be a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field, boolean required) throws ApiError {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new ApiError(HttpResponseStatus.BAD_REQUEST, "missing_field", "'" + field + "' is required", field);
            return null;
        }
        if (!v.isTextual()) throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", "'" + field + "' must be a string", field);
        return v.asText();
    }

    // Discord ids as strings (JSON numbers lose precision past 2^53) — or 0 when optional and absent
    private static long snowflake(JsonNode body, String field, boolean required) throws ApiError {
        String s = text(body, field, required);
        if (s == null) return 0;
        if (!SNOWFLAKE.matcher(s).matches()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", "'" + field + "' must be a Discord id (digits, as a string)", field);
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", "'" + field + "' is out of range", field);
        }
    }

    private static boolean bool(JsonNode body, String field) throws ApiError {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return true;
        if (!v.isBoolean()) throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", "'" + field + "' must be true or false", field);
        return v.asBoolean();
    }

    private ObjectNode describe(Binding b) {
        ObjectNode o = JSON.createObjectNode()
                .put("id", b.id()).put("shard", b.shard()).put("name", b.displayName())
                .put("guild", Long.toString(b.guildId())).put("voiceChannel", Long.toString(b.voiceChannelId()));
        if (b.textChannelId() != null) o.put("textChannel", Long.toString(b.textChannelId()));
        o.put("toShard", b.toShard().name().toLowerCase(Locale.ROOT)).put("notifications", b.notifications())
                .put("chatBridge", b.chatBridge()).put("createdBy", b.createdBy()).put("createdAt", b.createdAt().toString());
        ObjectNode live = o.putObject("live");
        Optional<LiveBinding> l = bindings.liveOf(b.id());
        live.put("voice", l.map(x -> x.link().state().name().toLowerCase(Locale.ROOT)).orElse("closed"));
        live.put("paused", bindings.paused(b.id()));
        String problem = bindings.problem(b.id());
        if (problem != null) live.put("problem", problem);
        return o;
    }

    private static FullHttpResponse error(ApiError e) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode err = body.putObject("error").put("code", e.code).put("message", e.getMessage());
        if (e.field != null) err.put("field", e.field);
        FullHttpResponse res = json(e.status, body);
        if (e.status.equals(HttpResponseStatus.UNAUTHORIZED)) res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        if (e instanceof RateLimited r) res.headers().setInt(HttpHeaderNames.RETRY_AFTER, (int) r.retryAfterSeconds);
        return res;
    }

    private static FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        ByteBuf content = Unpooled.copiedBuffer(body.toString() + "\n", StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return res;
    }

    private static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return res;
    }
}
