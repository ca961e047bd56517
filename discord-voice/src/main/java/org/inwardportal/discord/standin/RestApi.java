package org.inwardportal.discord.standin;

import static org.inwardportal.discord.standin.GatewayPayloads.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The subset of Discord's REST API (v10) that JDA calls, answered from the stand-in's world. */
final class RestApi {
    private static final Logger log = LoggerFactory.getLogger(RestApi.class);
    private static final String PREFIX = "/api/v10/";
    private static final Pattern CHANNEL = Pattern.compile("channels/(\\d+)");
    private static final Pattern MESSAGES = Pattern.compile("channels/(\\d+)/messages");
    private static final Pattern MESSAGE = Pattern.compile("channels/(\\d+)/messages/(\\d+)");
    private static final Pattern USER = Pattern.compile("users/(\\d+)");
    private static final Pattern GUILD_MEMBER = Pattern.compile("guilds/(\\d+)/members/(\\d+)");
    private static final Pattern GUILD_COMMANDS = Pattern.compile("applications/(\\d+)/guilds/(\\d+)/commands");
    private static final Pattern CALLBACK = Pattern.compile("interactions/(\\d+)/([^/]+)/callback");
    private static final Pattern ORIGINAL = Pattern.compile("webhooks/(\\d+)/([^/]+)/messages/@original");
    private static final Pattern FOLLOWUP = Pattern.compile("webhooks/(\\d+)/([^/]+)");

    private final StandInWorld world;
    private final GatewayServer gateway;
    private final List<ObjectNode> messages = new CopyOnWriteArrayList<>();
    /** Guild commands as each bot (application) registered them. */
    private final java.util.Map<Long, List<ObjectNode>> commands = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Interaction> interactions = new java.util.concurrent.ConcurrentHashMap<>();
    /** DM channel id → the member it reaches. */
    private final java.util.Map<Long, Long> dmChannels = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Long, List<ObjectNode>> dmInbox = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> unhandled = new CopyOnWriteArrayList<>();

    RestApi(StandInWorld world, GatewayServer gateway) {
        this.world = world;
        this.gateway = gateway;
    }

    ChannelHandler handler() {
        return new Handler();
    }

    /** Deletes a message (by its author, or an admin): MESSAGE_DELETE to every bot; false if there was none. */
    boolean deleteMessage(long channelId, long messageId) {
        ObjectNode found = messages.stream().filter(x -> x.path("id").asText().equals(String.valueOf(messageId))
                && x.path("channel_id").asText().equals(String.valueOf(channelId))).findFirst().orElse(null);
        if (found == null) return false;
        deleteMessage(found);
        return true;
    }

    private void deleteMessage(ObjectNode m) {
        messages.remove(m);
        gateway.broadcast("MESSAGE_DELETE", JSON.createObjectNode().put("id", m.path("id").asText())
                .put("channel_id", m.path("channel_id").asText()).put("guild_id", String.valueOf(world.guildId())));
    }

    List<ObjectNode> messages() {
        return List.copyOf(messages);
    }

    /** A registered guild command by name, with the bot that registered it. */
    java.util.Optional<java.util.Map.Entry<Long, ObjectNode>> command(String name) {
        for (var e : commands.entrySet()) {
            for (ObjectNode c : e.getValue()) {
                if (c.path("name").asText().equals(name)) return java.util.Optional.of(java.util.Map.entry(e.getKey(), c));
            }
        }
        return java.util.Optional.empty();
    }

    void track(Interaction i) {
        interactions.put(i.token, i);
    }

    List<ObjectNode> directMessagesTo(long userId) {
        return List.copyOf(dmInbox.getOrDefault(userId, List.of()));
    }

    /** Requests the stand-in does not implement: a test can assert none were made. */
    List<String> unhandled() {
        return List.copyOf(unhandled);
    }

    /** A message object with the fields JDA requires (mentions and mention_roles among them). */
    ObjectNode message(StandInWorld.User author, long channelId, String content) {
        ObjectNode msg = JSON.createObjectNode().put("id", String.valueOf(world.nextId())).put("type", 0)
                .put("channel_id", String.valueOf(channelId)).put("guild_id", String.valueOf(world.guildId()))
                .put("content", content).put("timestamp", Instant.now().toString())
                .putNull("edited_timestamp").put("tts", false).put("mention_everyone", false).put("pinned", false)
                .put("flags", 0);
        msg.set("author", GatewayPayloads.user(author));
        ObjectNode member = GatewayPayloads.member(world, author);
        member.remove("user");
        msg.set("member", member);
        msg.putArray("mentions");
        msg.putArray("mention_roles");
        msg.putArray("attachments");
        msg.putArray("embeds");
        msg.putArray("components");
        return msg;
    }

    private record Answer(HttpResponseStatus status, JsonNode body) {
        static Answer ok(JsonNode body) {
            return new Answer(HttpResponseStatus.OK, body);
        }

        static Answer error(HttpResponseStatus status, int code, String message) {
            return new Answer(status, JSON.createObjectNode().put("message", message).put("code", code));
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        Handler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path;
            try {
                path = new QueryStringDecoder(req.uri()).path();
            } catch (IllegalArgumentException e) {
                path = PREFIX + "?"; // an undecodable URI: answered 404 below, and the buffer released
            }
            if (!path.startsWith(PREFIX)) {
                ctx.fireChannelRead(req); // the gateway's WebSocket upgrade
                return;
            }
            Answer a;
            try {
                a = route(req.method(), path.substring(PREFIX.length()), req);
            } catch (Exception e) {
                a = Answer.error(HttpResponseStatus.BAD_REQUEST, 50035, "Invalid Form Body: " + e.getMessage());
            } finally {
                req.release();
            }
            byte[] body = a.body() == null ? new byte[0] : a.body().toString().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, a.status(), Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            HttpUtil.setKeepAlive(res, true);
            ctx.writeAndFlush(res);
        }

        private Answer route(HttpMethod method, String path, FullHttpRequest req) throws Exception {
            if (path.equals("gateway") || path.equals("gateway/bot")) {
                ObjectNode g = JSON.createObjectNode().put("url", "ws://127.0.0.1:" + gateway.port()).put("shards", 1);
                g.putObject("session_start_limit").put("total", 1000).put("remaining", 1000).put("reset_after", 0).put("max_concurrency", 1);
                return Answer.ok(g);
            }
            JsonNode earlyBody = req.content().readableBytes() == 0 ? JSON.createObjectNode()
                    : JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
            Matcher im;
            if ((im = CALLBACK.matcher(path)).matches() && method.equals(HttpMethod.POST)) {
                Interaction i = interactions.get(im.group(2));
                if (i == null || i.id != Long.parseLong(im.group(1))) {
                    return Answer.error(HttpResponseStatus.NOT_FOUND, 10062, "Unknown interaction");
                }
                if (!i.responses().isEmpty()) {
                    return Answer.error(HttpResponseStatus.BAD_REQUEST, 40060, "Interaction has already been acknowledged.");
                }
                i.record(earlyBody);
                return new Answer(HttpResponseStatus.NO_CONTENT, null);
            }
            if ((im = ORIGINAL.matcher(path)).matches() || (im = FOLLOWUP.matcher(path)).matches()) {
                Interaction i = interactions.get(im.group(2));
                if (i == null) return Answer.error(HttpResponseStatus.NOT_FOUND, 10015, "Unknown Webhook");
                i.record(earlyBody);
                var botUser = world.user(i.botId).orElseThrow();
                ObjectNode msg = message(botUser, 0L, earlyBody.path("content").asText(""));
                msg.put("type", 20).put("webhook_id", im.group(1));
                return Answer.ok(msg);
            }
            var bot = world.botByToken(req.headers().get(HttpHeaderNames.AUTHORIZATION)).orElse(null);
            if (bot == null) {
                return Answer.error(HttpResponseStatus.UNAUTHORIZED, 0, "401: Unauthorized");
            }
            JsonNode body = earlyBody;
            Matcher m;
            if (path.equals("users/@me/channels") && method.equals(HttpMethod.POST)) {
                long recipient = body.path("recipient_id").asLong();
                var user = world.user(recipient).orElse(null);
                if (user == null) return Answer.error(HttpResponseStatus.NOT_FOUND, 10013, "Unknown User");
                long dm = dmChannels.entrySet().stream().filter(e -> e.getValue() == recipient).map(java.util.Map.Entry::getKey)
                        .findFirst().orElseGet(() -> {
                            long id = world.nextId();
                            dmChannels.put(id, recipient);
                            return id;
                        });
                ObjectNode ch = JSON.createObjectNode().put("id", String.valueOf(dm)).put("type", 1);
                ch.putArray("recipients").add(GatewayPayloads.user(user));
                return Answer.ok(ch);
            }
            if (path.equals("users/@me") && method.equals(HttpMethod.GET)) {
                return Answer.ok(GatewayPayloads.user(bot));
            }
            if ((m = USER.matcher(path)).matches() && method.equals(HttpMethod.GET)) {
                var user = world.user(Long.parseLong(m.group(1)));
                return user.isPresent() ? Answer.ok(GatewayPayloads.user(user.get()))
                        : Answer.error(HttpResponseStatus.NOT_FOUND, 10013, "Unknown User");
            }
            if ((m = GUILD_COMMANDS.matcher(path)).matches() && method.equals(HttpMethod.PUT)) {
                ArrayNode out = JSON.createArrayNode();
                List<ObjectNode> registered = new CopyOnWriteArrayList<>();
                for (JsonNode c : body) {
                    ObjectNode cmd = ((ObjectNode) c.deepCopy()).put("id", String.valueOf(world.nextId()))
                            .put("application_id", m.group(1)).put("guild_id", m.group(2)).put("version", String.valueOf(world.nextId()))
                            .put("type", c.path("type").asInt(1));
                    if (!cmd.has("description")) cmd.put("description", "");
                    registered.add(cmd);
                    out.add(cmd);
                }
                commands.put(bot.id(), registered);
                return Answer.ok(out);
            }
            if ((m = MESSAGES.matcher(path)).matches() && method.equals(HttpMethod.POST)) {
                long channelId = Long.parseLong(m.group(1));
                Long dmTo = dmChannels.get(channelId);
                if (dmTo == null && world.channel(channelId).isEmpty()) {
                    return Answer.error(HttpResponseStatus.NOT_FOUND, 10003, "Unknown Channel");
                }
                ObjectNode msg = message(bot, channelId, body.path("content").asText(""));
                msg.set("embeds", body.has("embeds") ? body.get("embeds") : JSON.createArrayNode());
                // As Discord: @everyone/@here ping unless allowed_mentions leaves "everyone" out of parse.
                JsonNode allowed = body.path("allowed_mentions");
                boolean everyoneAllowed = !allowed.isObject() || (allowed.path("parse").isArray()
                        && java.util.stream.StreamSupport.stream(allowed.path("parse").spliterator(), false).anyMatch(v -> v.asText().equals("everyone")));
                String content = msg.path("content").asText();
                msg.put("mention_everyone", everyoneAllowed && (content.contains("@everyone") || content.contains("@here")));
                if (dmTo != null) {
                    msg.remove("guild_id");
                    dmInbox.computeIfAbsent(dmTo, k -> new CopyOnWriteArrayList<>()).add(msg);
                    return Answer.ok(msg);
                }
                messages.add(msg);
                gateway.broadcast("MESSAGE_CREATE", msg.deepCopy());
                return Answer.ok(msg);
            }
            if ((m = MESSAGE.matcher(path)).matches()) {
                String id = m.group(2);
                ObjectNode found = messages.stream().filter(x -> x.path("id").asText().equals(id)).findFirst().orElse(null);
                if (found == null) return Answer.error(HttpResponseStatus.NOT_FOUND, 10008, "Unknown Message");
                if (method.equals(HttpMethod.GET)) return Answer.ok(found);
                if (method.equals(HttpMethod.PATCH)) {
                    if (!found.path("author").path("id").asText().equals(String.valueOf(bot.id()))) {
                        return Answer.error(HttpResponseStatus.FORBIDDEN, 50005, "Cannot edit a message authored by another user");
                    }
                    if (body.has("content")) found.put("content", body.path("content").asText());
                    if (body.has("embeds")) found.set("embeds", body.get("embeds"));
                    found.put("edited_timestamp", Instant.now().toString());
                    gateway.broadcast("MESSAGE_UPDATE", found.deepCopy());
                    return Answer.ok(found);
                }
                if (method.equals(HttpMethod.DELETE)) {
                    deleteMessage(found);
                    return new Answer(HttpResponseStatus.NO_CONTENT, null);
                }
            }
            if ((m = GUILD_MEMBER.matcher(path)).matches() && method.equals(HttpMethod.GET)) {
                var user = world.user(Long.parseLong(m.group(2))).orElse(null);
                if (user == null) return Answer.error(HttpResponseStatus.NOT_FOUND, 10007, "Unknown Member");
                return Answer.ok(GatewayPayloads.member(world, user));
            }
            if ((m = CHANNEL.matcher(path)).matches()) {
                var channel = world.channel(Long.parseLong(m.group(1))).orElse(null);
                if (channel == null) return Answer.error(HttpResponseStatus.NOT_FOUND, 10003, "Unknown Channel");
                if (method.equals(HttpMethod.GET)) return Answer.ok(GatewayPayloads.channel(world, channel));
                if (method.equals(HttpMethod.PATCH)) {
                    if (body.has("topic")) channel.topic = body.path("topic").isNull() ? null : body.path("topic").asText();
                    gateway.channelUpdated(channel);
                    return Answer.ok(GatewayPayloads.channel(world, channel));
                }
                if (method.equals(HttpMethod.DELETE)) {
                    world.removeChannel(channel.id());
                    gateway.channelDeleted(channel);
                    return Answer.ok(GatewayPayloads.channel(world, channel));
                }
            }
            unhandled.add(method + " " + path);
            log.debug("stand-in REST: no route for {} {}", method, path);
            return Answer.error(HttpResponseStatus.NOT_FOUND, 0, "404: Not Found");
        }
    }
}
