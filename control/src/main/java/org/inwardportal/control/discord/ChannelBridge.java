package org.inwardportal.control.discord;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.events.channel.ChannelDeleteEvent;
import net.dv8tion.jda.api.events.channel.update.ChannelUpdateTopicEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import org.inwardportal.control.binding.ActivityStore;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.signaling.RoomState;
import org.inwardportal.signaling.SignalingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound world and its text channel, through the relay's first bot: chat both ways (when the
 * binding bridges chat), the "world is open" notice when a world goes from empty to occupied after
 * being empty for the idle window (once per window, remembered across restarts) with a direct
 * message to each member who asked ({@code /portal notify on}), and a deleted text channel removing
 * its binding. Nothing posted can mention anyone: world text never pings a Discord member.
 */
public final class ChannelBridge extends ListenerAdapter implements BindingService.WorldListener {
    private static final Logger log = LoggerFactory.getLogger(ChannelBridge.class);
    static final int MAX_CHAT = 2000;

    private final BindingService bindings;
    private final ActivityStore activity;
    private final Supplier<SignalingServer> signaling;
    private final Clock clock;
    private final Duration idleWindow;
    private final SpectatorLinks links;
    private final Map<String, Boolean> occupied = new ConcurrentHashMap<>(); // binding id → occupied at its last room.state
    private volatile JDA jda;

    public ChannelBridge(BindingService bindings, ActivityStore activity, Supplier<SignalingServer> signaling, Clock clock,
                         Duration idleWindow, SpectatorLinks links) {
        this.links = links;
        this.bindings = bindings;
        this.activity = activity;
        this.signaling = signaling;
        this.clock = clock;
        this.idleWindow = idleWindow;
    }

    public void attachTo(JDA jda) {
        this.jda = jda;
        jda.addEventListener(this);
        bindings.addListener(this);
        // bindings opened at start: a link that came back while the relay was away resumes; a binding that
        // runs keeps running, and its topic gets the link again if it lost it (e.g. made before topics
        // carried links); a paused one stays paused (the store remembers, the topic may not)
        try {
            for (Binding b : bindings.store().all()) {
                channel(b).ifPresent(c -> {
                    if (hasLink(b, c.getTopic())) follow(b, c.getTopic(), true);
                    else if (!bindings.paused(b.id())) putLink(b, c);
                });
            }
        } catch (SQLException e) {
            log.warn("cannot check the bound channels' topics: {}", e.getMessage());
        }
    }

    // ---- the spectator link in the topic: bridging runs while it is there ----

    @Override
    public void created(Binding b) {
        channel(b).ifPresent(c -> putLink(b, c));
    }

    private static boolean hasLink(Binding b, String topic) {
        return topic != null && topic.contains(SpectatorLinks.topicPath(b));
    }

    private void putLink(Binding b, TextChannel c) {
        String topic = c.getTopic() == null ? "" : c.getTopic();
        if (hasLink(b, topic)) return;
        String link = links.topicLink(b);
        String next = (topic.isBlank() ? "" : topic + " · ") + "Watch " + b.displayName() + ": " + link;
        if (next.length() > 1024) next = "Watch " + b.displayName() + ": " + link; // Discord's topic limit
        c.getManager().setTopic(next).queue(ok -> log.info("binding {}: spectator link put in #{}'s topic", b.id(), c.getName()),
                err -> log.warn("binding {}: cannot put the spectator link in #{}'s topic: {}", b.id(), c.getName(), err.getMessage()));
    }

    @Override
    public void onChannelUpdateTopic(ChannelUpdateTopicEvent e) {
        try {
            for (Binding b : bindings.store().byChannel(e.getChannel().getIdLong())) {
                if (b.textChannelId() != null && b.textChannelId() == e.getChannel().getIdLong()) follow(b, e.getNewValue(), true);
            }
        } catch (SQLException ex) {
            log.warn("topic of channel {} changed, not followed: {}", e.getChannel().getId(), ex.getMessage());
        }
    }

    // pauses bridging when the topic no longer carries the binding's link, resumes when it does again
    private void follow(Binding b, String topic, boolean say) {
        boolean pause = !hasLink(b, topic);
        try {
            if (pause == bindings.paused(b.id()) || !bindings.pause(b.id(), pause)) return;
        } catch (SQLException e) {
            log.warn("binding {}: bridging not {}: the store failed: {}", b.id(), pause ? "paused" : "resumed", e.getMessage());
            return;
        }
        log.info("binding {}: bridging {} (spectator link {} the topic)", b.id(), pause ? "paused" : "resumed", pause ? "missing from" : "back in");
        if (say) {
            channel(b).ifPresent(c -> c.sendMessage(quiet(pause
                    ? "⏸ Bridging of **" + escape(b.displayName()) + "** is paused: its spectator link is not in this channel's topic. "
                    + "Put it back to resume: " + links.topicLink(b)
                    : "▶ Bridging of **" + escape(b.displayName()) + "** resumed.")).queue(ok -> { }, err -> { }));
        }
    }

    // ---- Discord → world ----

    @Override
    public void onMessageReceived(MessageReceivedEvent e) {
        if (!e.isFromGuild() || e.getAuthor().isBot() || e.isWebhookMessage()) return;
        if (isPausedChannel(e.getChannel().getIdLong())) return;
        String text = e.getMessage().getContentDisplay();
        if (text.isBlank()) return;
        try {
            for (Binding b : bindings.store().byChannel(e.getChannel().getIdLong())) {
                if (!b.chatBridge() || b.textChannelId() == null || b.textChannelId() != e.getChannel().getIdLong()) continue;
                SignalingServer s = signaling.get();
                String name = e.getMember() != null ? e.getMember().getEffectiveName() : e.getAuthor().getEffectiveName();
                if (s != null) s.sendTo(b.shard(), SignalingServer.chat(e.getAuthor().getId(), name, truncate(text)));
            }
        } catch (SQLException ex) {
            log.warn("chat from channel {} not bridged: {}", e.getChannel().getId(), ex.getMessage());
        }
    }

    @Override
    public void onChannelDelete(ChannelDeleteEvent e) {
        try {
            for (Binding b : bindings.store().byChannel(e.getChannel().getIdLong())) {
                bindings.remove(b.id(), "its channel #" + e.getChannel().getName() + " was deleted");
            }
        } catch (SQLException ex) {
            log.warn("channel {} deleted, but its binding cannot be removed: {}", e.getChannel().getId(), ex.getMessage());
        }
    }

    // ---- world → Discord ----

    private boolean isPausedChannel(long channelId) {
        try {
            return bindings.store().byChannel(channelId).stream().anyMatch(b -> bindings.paused(b.id()));
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void chat(Binding b, String fromPlayerId, String fromName, String text) {
        if (!b.chatBridge() || bindings.paused(b.id())) return;
        channel(b).ifPresent(c -> c.sendMessage(quiet("**" + escape(fromName) + "** (in " + escape(b.displayName()) + "): "
                + truncate(text))).queue(ok -> { }, err -> log.warn("world chat not posted in #{}: {}", c.getName(), err.getMessage())));
    }

    @Override
    public void roomState(Binding b, RoomState previous, RoomState now) {
        boolean isOccupied = now.count() > 0;
        Boolean was = occupied.put(b.id(), isOccupied);
        if (!isOccupied) return;
        Instant at = clock.instant();
        try {
            boolean opening = was == null || !was;
            Optional<Instant> last = activity.lastActive(b.id());
            boolean fresh = last.isEmpty() || Duration.between(last.get(), at).compareTo(idleWindow) >= 0;
            boolean announce = opening && fresh && b.notifications();
            activity.active(b.id(), at, announce);
            if (announce) announce(b, now);
        } catch (SQLException ex) {
            log.warn("binding {}: activity not recorded: {}", b.id(), ex.getMessage());
        }
    }

    @Override
    public void removed(String bindingId) {
        occupied.remove(bindingId);
        try {
            activity.forget(bindingId);
        } catch (SQLException ex) {
            log.warn("binding {}: activity not forgotten: {}", bindingId, ex.getMessage());
        }
    }

    private void announce(Binding b, RoomState room) throws SQLException {
        String players = room.count() + (room.count() == 1 ? " player" : " players")
                + (room.players().isEmpty() ? "" : " (" + room.players().stream().limit(10).map(p -> escape(p.name()))
                .collect(Collectors.joining(", ")) + (room.players().size() > 10 ? ", …" : "") + ")");
        String text = "🌐 **" + escape(b.displayName()) + "** is open: " + players + ". Talk to them in <#" + b.voiceChannelId() + ">, or watch: "
                + links.topicLink(b);
        channel(b).ifPresent(c -> c.sendMessage(quiet(text)).queue(ok -> { },
                err -> log.warn("opening of {} not posted in #{}: {}", b.shard(), c.getName(), err.getMessage())));
        JDA j = jda;
        if (j == null) return;
        for (long user : activity.subscribers(b.id())) {
            j.retrieveUserById(user).flatMap(u -> u.openPrivateChannel()).flatMap(pc -> pc.sendMessage(quiet(text)))
                    .queue(ok -> { }, err -> log.info("no DM to user {} about {}: {}", user, b.shard(), err.getMessage()));
        }
        log.info("binding {}: {} opened with {}", b.id(), b.shard(), players);
    }

    private Optional<TextChannel> channel(Binding b) {
        JDA j = jda;
        return b.textChannelId() == null || j == null ? Optional.empty() : Optional.ofNullable(j.getTextChannelById(b.textChannelId()));
    }

    private static MessageCreateData quiet(String text) {
        return new MessageCreateBuilder().setContent(text).setAllowedMentions(List.of()).build();
    }

    private static String truncate(String s) {
        return s.length() <= MAX_CHAT - 100 ? s : s.substring(0, MAX_CHAT - 101) + "…";
    }

    // Discord markdown in a name must not format the message around it
    static String escape(String s) {
        return s.replaceAll("([*_`~|>\\\\])", "\\\\$1");
    }
}
