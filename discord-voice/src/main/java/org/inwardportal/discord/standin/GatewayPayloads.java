package org.inwardportal.discord.standin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Discord's JSON objects as the stand-in serves them (users, members, roles, channels, guilds,
 * voice states), with the fields JDA 6.5 requires; see docs/discord-stand-in.md.
 */
final class GatewayPayloads {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JOINED_AT = "2026-01-01T00:00:00.000000+00:00";

    /** @everyone: see channels, talk, join voice, use slash commands. */
    static final long EVERYONE_PERMISSIONS = (1L << 10) | (1L << 11) | (1L << 16) | (1L << 20) | (1L << 21) | (1L << 25) | (1L << 31);
    static final long ADMINISTRATOR = 1L << 3;

    private GatewayPayloads() {
    }

    static ObjectNode user(StandInWorld.User u) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", String.valueOf(u.id())).put("username", u.name().toLowerCase().replace(' ', '_'))
                .put("global_name", u.name()).put("discriminator", "0").putNull("avatar")
                .put("bot", u.bot()).put("flags", 0).put("public_flags", 0);
        return o;
    }

    static ObjectNode role(long id, String name, long permissions, int position, boolean managed) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", String.valueOf(id)).put("name", name).put("color", 0)
                .put("hoist", false).putNull("icon").putNull("unicode_emoji").put("position", position)
                .put("permissions", String.valueOf(permissions)).put("managed", managed).put("mentionable", false).put("flags", 0);
        // JDA 6.5 reads role colours from this object and fails without it.
        r.putObject("colors").put("primary_color", 0).putNull("secondary_color").putNull("tertiary_color");
        return r;
    }

    static ObjectNode member(StandInWorld world, StandInWorld.User u) {
        ObjectNode m = JSON.createObjectNode();
        m.set("user", user(u));
        m.putNull("nick").putNull("avatar");
        ArrayNode roles = m.putArray("roles");
        if (u.bot()) {
            roles.add(String.valueOf(botRoleId(world)));
        }
        for (StandInWorld.Role r : world.roles(u.id())) roles.add(String.valueOf(world.roleId(r)));
        m.put("joined_at", JOINED_AT).putNull("premium_since").put("deaf", false).put("mute", false)
                .put("pending", false).put("flags", 0).putNull("communication_disabled_until");
        return m;
    }

    static long botRoleId(StandInWorld world) {
        return world.guildId() + 1_000;
    }

    static ObjectNode channel(StandInWorld world, StandInWorld.GuildChannel c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", String.valueOf(c.id())).put("type", c.type()).put("guild_id", String.valueOf(world.guildId()))
                .put("name", c.name()).put("position", c.position).putNull("parent_id").put("nsfw", false)
                .put("rate_limit_per_user", 0).putNull("last_message_id").put("flags", 0);
        var overwrites = o.putArray("permission_overwrites");
        for (long member : c.hiddenFrom) { // type 1: a member overwrite; deny VIEW_CHANNEL (1 << 10)
            overwrites.addObject().put("id", String.valueOf(member)).put("type", 1).put("allow", "0").put("deny", String.valueOf(1L << 10));
        }
        if (c.type() == StandInWorld.VOICE) {
            o.put("bitrate", 64000).put("user_limit", 0).putNull("rtc_region").put("video_quality_mode", 1);
        } else {
            o.put("topic", c.topic());
        }
        return o;
    }

    static ObjectNode voiceState(StandInWorld world, StandInWorld.User u, Long channelId, String sessionId) {
        ObjectNode v = JSON.createObjectNode();
        v.put("guild_id", String.valueOf(world.guildId()));
        if (channelId == null) v.putNull("channel_id");
        else v.put("channel_id", String.valueOf(channelId));
        v.put("user_id", String.valueOf(u.id())).put("session_id", sessionId)
                .put("deaf", false).put("mute", false).put("self_deaf", false).put("self_mute", false)
                .put("self_stream", false).put("self_video", false).put("suppress", false).putNull("request_to_speak_timestamp");
        v.set("member", member(world, u));
        return v;
    }

    /**
     * INTERACTION_CREATE for a member's slash command (type 2) or autocomplete (type 4), with the
     * fields JDA 6.5 requires: guild, channel, context, authorizing_integration_owners, data.type.
     */
    static ObjectNode interaction(StandInWorld world, Interaction i, int type, StandInWorld.User member, long channelId,
                                  int channelType, ObjectNode command, ArrayNode options) {
        ObjectNode d = JSON.createObjectNode();
        String guild = String.valueOf(world.guildId());
        d.put("id", String.valueOf(i.id)).put("application_id", String.valueOf(i.botId)).put("type", type)
                .put("token", i.token).put("version", 1).put("guild_id", guild)
                .put("channel_id", String.valueOf(channelId)).put("context", 0)
                .put("locale", "en-US").put("guild_locale", "en-US").put("app_permissions", String.valueOf(ADMINISTRATOR));
        d.putObject("guild").put("id", guild).putArray("features");
        d.putObject("channel").put("id", String.valueOf(channelId)).put("type", channelType).put("guild_id", guild);
        ObjectNode m = member(world, member);
        m.put("permissions", String.valueOf(permissionsOf(world, member)));
        d.set("member", m);
        d.putObject("authorizing_integration_owners").put("0", guild);
        d.putArray("entitlements");
        ObjectNode data = d.putObject("data");
        data.put("id", command.path("id").asText()).put("name", command.path("name").asText()).put("type", 1).put("guild_id", guild);
        data.set("options", options);
        return d;
    }

    static long permissionsOf(StandInWorld world, StandInWorld.User u) {
        long p = u.bot() ? ADMINISTRATOR | EVERYONE_PERMISSIONS : EVERYONE_PERMISSIONS;
        for (StandInWorld.Role r : world.roles(u.id())) p |= r.permissions;
        return p;
    }

    static ObjectNode guild(StandInWorld world, Map<Long, String> voiceSessions) {
        ObjectNode g = JSON.createObjectNode();
        g.put("id", String.valueOf(world.guildId())).put("name", world.guildName()).putNull("icon").putNull("splash")
                .putNull("discovery_splash").putNull("banner").put("owner_id", String.valueOf(world.ownerId()))
                .putNull("afk_channel_id").put("afk_timeout", 300).put("verification_level", 0)
                .put("default_message_notifications", 0).put("explicit_content_filter", 0).put("mfa_level", 0)
                .put("nsfw_level", 0).put("premium_tier", 0).put("premium_subscription_count", 0)
                .put("preferred_locale", "en-US").putNull("system_channel_id").putNull("rules_channel_id")
                .putNull("public_updates_channel_id").putNull("safety_alerts_channel_id").putNull("vanity_url_code")
                .putNull("description").put("max_members", 500000).put("premium_progress_bar_enabled", false)
                .put("large", false).put("unavailable", false).put("joined_at", JOINED_AT);
        g.putArray("features");
        ArrayNode roles = g.putArray("roles");
        roles.add(role(world.guildId(), "@everyone", EVERYONE_PERMISSIONS, 0, false));
        roles.add(role(botRoleId(world), "Portal bots", ADMINISTRATOR, 1, true));
        for (StandInWorld.Role r : StandInWorld.Role.values()) {
            roles.add(role(world.roleId(r), r.displayName, r.permissions, 2 + r.ordinal(), false));
        }
        g.putArray("emojis");
        g.putArray("stickers");
        ArrayNode members = g.putArray("members");
        world.users().forEach(u -> members.add(member(world, u)));
        g.put("member_count", members.size());
        ArrayNode channels = g.putArray("channels");
        world.channels().forEach(c -> channels.add(channel(world, c)));
        g.putArray("threads");
        ArrayNode states = g.putArray("voice_states");
        world.voiceStates().forEach((userId, channelId) -> world.user(userId).ifPresent(u -> {
            ObjectNode s = voiceState(world, u, channelId, voiceSessions.getOrDefault(userId, "member-" + userId));
            s.remove("guild_id");
            s.remove("member");
            states.add(s);
        }));
        g.putArray("presences");
        g.putArray("stage_instances");
        g.putArray("guild_scheduled_events");
        g.putArray("soundboard_sounds");
        return g;
    }
}
