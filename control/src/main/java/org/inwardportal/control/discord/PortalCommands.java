package org.inwardportal.control.discord;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.concrete.VoiceChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.events.guild.GuildJoinEvent;
import net.dv8tion.jda.api.events.guild.GuildReadyEvent;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.commands.Command;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import org.inwardportal.control.binding.ActivityStore;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.control.binding.BindingStore;
import org.inwardportal.control.binding.WorldStatsStore;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.signaling.RoomState;
import org.inwardportal.signaling.SignalingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /portal …}, registered per guild by the relay's first bot. Who may change bindings is
 * decided here, not only by Discord's defaults: Manage Channels on the voice channel concerned, or
 * one of the roles named in {@code discord.manager-roles}. Replies that concern one member
 * (denials, help, errors) are ephemeral; a binding made or removed is announced in the channel.
 */
public final class PortalCommands extends ListenerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PortalCommands.class);
    static final String NAME = "portal";

    private final BindingService bindings;
    private final ActivityStore activity;
    private final ShardTokens shards;
    private final Set<String> managerRoles;
    private final SpectatorLinks links;
    private final WorldStatsStore stats;
    private final StatusBoard board;
    private final java.time.Clock clock;
    /** How long a personal spectator link works. */
    static final int MAX_STATS_DAYS = 90;
    static final java.time.Duration INVITE_VALID_FOR = java.time.Duration.ofHours(24);

    public PortalCommands(BindingService bindings, ActivityStore activity, ShardTokens shards, List<String> managerRoles,
                          SpectatorLinks links, WorldStatsStore stats, java.time.Clock clock, StatusBoard board) {
        this.board = board;
        this.links = links;
        this.stats = stats;
        this.clock = clock;
        this.bindings = bindings;
        this.activity = activity;
        this.shards = shards;
        this.managerRoles = managerRoles.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    static SlashCommandData definition() {
        return Commands.slash(NAME, "Bridge a VR world and this server's voice").addSubcommands(
                new SubcommandData("bind", "Bind a world (shard) to a voice channel")
                        .addOptions(new OptionData(OptionType.STRING, "shard", "The world's shard id", true, true),
                                new OptionData(OptionType.CHANNEL, "voice-channel", "Default: the voice channel you are in")
                                        .setChannelTypes(ChannelType.VOICE),
                                new OptionData(OptionType.STRING, "name", "How the world is called here").setMaxLength(Binding.MAX_NAME)),
                new SubcommandData("unbind", "Unbind a voice channel from its world")
                        .addOptions(new OptionData(OptionType.CHANNEL, "voice-channel", "Default: the one you are in, or this channel's")
                                .setChannelTypes(ChannelType.VOICE)),
                new SubcommandData("status", "The binding here: world, players, who is bridged"),
                new SubcommandData("stats", "Sessions, peak players and audio carried over the last days")
                        .addOptions(new OptionData(OptionType.INTEGER, "days", "How many days back, today included (default 7)")
                                .setRequiredRange(1, MAX_STATS_DAYS)),
                new SubcommandData("board", "A message here that lists this server's worlds and keeps itself up to date")
                        .addOptions(new OptionData(OptionType.STRING, "state", "on (post it here) or off (remove it); default on")
                                .addChoice("on", "on").addChoice("off", "off")),
                new SubcommandData("invite", "Your personal, expiring link to watch the world here from a browser"),
                new SubcommandData("notify", "A direct message when the world here goes from empty to occupied")
                        .addOptions(new OptionData(OptionType.STRING, "state", "on or off", true)
                                .addChoice("on", "on").addChoice("off", "off")),
                moderation("kick", "Remove a player from the world"),
                moderation("mute", "Mute a player in the world"),
                moderation("unmute", "Let a muted player speak again"),
                new SubcommandData("help", "What /portal can do"));
    }

    private static SubcommandData moderation(String action, String description) {
        return new SubcommandData(action, description)
                .addOptions(new OptionData(OptionType.STRING, "player", "A player in the world here", true, true));
    }

    /** Registers /portal in every guild the bot is in now and joins later. */
    public void attachTo(net.dv8tion.jda.api.JDA jda) {
        jda.addEventListener(this);
        jda.getGuilds().forEach(this::register);
    }

    private void register(Guild g) {
        g.updateCommands().addCommands(definition()).queue(
                ok -> log.debug("/portal registered in guild {}", g.getName()),
                e -> log.warn("cannot register /portal in guild {}: {}", g.getName(), e.getMessage()));
    }

    @Override
    public void onGuildReady(GuildReadyEvent event) {
        register(event.getGuild());
    }

    @Override
    public void onGuildJoin(GuildJoinEvent event) {
        register(event.getGuild());
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent e) {
        if (!e.getName().equals(NAME) || e.getGuild() == null || e.getMember() == null) return;
        try {
            switch (String.valueOf(e.getSubcommandName())) {
                case "bind" -> bind(e);
                case "unbind" -> unbind(e);
                case "status" -> status(e);
                case "notify" -> notify(e);
                case "invite" -> invite(e);
                case "stats" -> stats(e);
                case "board" -> board(e);
                case "kick", "mute", "unmute" -> moderate(e, e.getSubcommandName());
                default -> help(e);
            }
        } catch (SQLException ex) {
            log.warn("/portal {}: the store failed: {}", e.getSubcommandName(), ex.getMessage());
            e.reply("The relay cannot reach its store right now; try again in a moment.").setEphemeral(true).queue();
        }
    }

    private void bind(SlashCommandInteractionEvent e) throws SQLException {
        Member member = e.getMember();
        VoiceChannel voice = voiceChannel(e);
        if (voice == null) {
            e.reply("Join a voice channel first, or name one with `voice-channel:`.").setEphemeral(true).queue();
            return;
        }
        if (!mayManage(member, voice)) {
            e.reply(denial("bind", voice)).setEphemeral(true).queue();
            return;
        }
        String shard = e.getOption("shard", OptionMapping::getAsString);
        if (shards.list().stream().noneMatch(s -> s.shard().equals(shard) && s.revokedAt() == null)) {
            e.reply("There is no shard `" + shard + "` here. An operator creates it with `portal token create --shard " + shard + "`.")
                    .setEphemeral(true).queue();
            return;
        }
        Long text = e.getChannelType() == ChannelType.TEXT ? e.getChannel().getIdLong() : null;
        String name = Optional.ofNullable(e.getOption("name", OptionMapping::getAsString)).orElse(shard);
        Binding b;
        try {
            b = new Binding(bindings.store().newId(), e.getGuild().getIdLong(), voice.getIdLong(), text, shard, name,
                    BindingPipeline.ToShard.PER_SPEAKER, true, true, member.getId(), Instant.now());
            bindings.check(b);
            bindings.create(b);
        } catch (IllegalArgumentException | BindingService.Invalid ex) {
            e.reply(ex.getMessage()).setEphemeral(true).queue();
            return;
        } catch (BindingStore.Conflict ex) {
            e.reply("Cannot bind: " + ex.getMessage() + ". `/portal unbind` it first.").setEphemeral(true).queue();
            return;
        }
        e.reply("Bound **" + name + "** (shard `" + shard + "`) to " + voice.getAsMention()
                + (text != null ? "; its news and chat come to this channel." : ".")).queue();
    }

    private void unbind(SlashCommandInteractionEvent e) throws SQLException {
        Optional<Binding> b = bindingHere(e);
        if (b.isEmpty()) {
            e.reply("Nothing is bound here. `/portal status` lists this server's bindings.").setEphemeral(true).queue();
            return;
        }
        VoiceChannel voice = e.getGuild().getVoiceChannelById(b.get().voiceChannelId());
        if (voice != null && !mayManage(e.getMember(), voice)) {
            e.reply(denial("unbind", voice)).setEphemeral(true).queue();
            return;
        }
        bindings.remove(b.get().id(), "/portal unbind by " + e.getMember().getId());
        e.reply("Unbound **" + b.get().displayName() + "** from " + (voice != null ? voice.getAsMention() : "its voice channel") + ".").queue();
    }

    private void status(SlashCommandInteractionEvent e) throws SQLException {
        Optional<Binding> here = bindingHere(e);
        if (here.isEmpty()) {
            List<Binding> all = bindings.store().byGuild(e.getGuild().getIdLong());
            e.reply(all.isEmpty() ? "No world is bound in this server. `/portal bind` binds one."
                    : "Bound here: " + all.stream().map(b -> "**" + b.displayName() + "** → <#" + b.voiceChannelId() + ">")
                    .collect(Collectors.joining(", ")) + ". Run `/portal status` in one of them for more.").setEphemeral(true).queue();
            return;
        }
        Binding b = here.get();
        StringBuilder s = new StringBuilder("**" + b.displayName() + "** (shard `" + b.shard() + "`) ↔ <#" + b.voiceChannelId() + ">\n");
        s.append("Voice: ").append(bindings.liveOf(b.id()).map(l -> l.link().state().name().toLowerCase(Locale.ROOT)).orElse("closed"));
        String problem = bindings.problem(b.id());
        if (problem != null) s.append(" (").append(problem).append(")");
        if (bindings.paused(b.id())) s.append("\nBridging paused: the spectator link left the text channel's topic");
        s.append("\nWorld: ");
        RoomState room = bindings.roomState(b.shard());
        if (!bindings.worldLive(b.shard())) {
            s.append("not connected");
        } else if (room == null) {
            s.append("connected");
        } else {
            int max = bindings.maxPlayers(b.shard());
            s.append(room.world()).append(room.map() != null ? " (" + room.map() + ")" : "").append(", ")
                    .append(room.count()).append(max > 0 ? "/" + max : "").append(room.count() == 1 && max == 0 ? " player" : " players");
            if (!room.players().isEmpty()) {
                s.append(": ").append(room.players().stream().limit(20).map(RoomState.Player::name).collect(Collectors.joining(", ")));
            }
        }
        VoiceChannel voice = e.getGuild().getVoiceChannelById(b.voiceChannelId());
        if (voice != null) {
            List<String> inVoice = voice.getMembers().stream().filter(m -> !m.getUser().isBot()).map(Member::getEffectiveName).toList();
            s.append("\nIn voice: ").append(inVoice.isEmpty() ? "nobody" : String.join(", ", inVoice));
        }
        bindings.addedLatency(b.id()).ifPresent(ms -> s.append(String.format(Locale.ROOT, "\nAdded latency (p50): %.1f ms", ms)));
        e.reply(s.toString()).queue();
    }

    private void notify(SlashCommandInteractionEvent e) throws SQLException {
        Optional<Binding> b = bindingHere(e);
        if (b.isEmpty()) {
            e.reply("Nothing is bound here: run it in a bound world's channel.").setEphemeral(true).queue();
            return;
        }
        boolean on = "on".equals(e.getOption("state", OptionMapping::getAsString));
        activity.subscribe(b.get().id(), e.getUser().getIdLong(), on);
        e.reply(on ? "You will get a direct message when **" + b.get().displayName() + "** goes from empty to occupied."
                : "No more direct messages about **" + b.get().displayName() + "**.").setEphemeral(true).queue();
    }

    private void board(SlashCommandInteractionEvent e) throws SQLException {
        if (!(e.getChannel() instanceof net.dv8tion.jda.api.entities.channel.concrete.TextChannel here)) {
            e.reply("Run it in a text channel: the board is posted where you run it.").setEphemeral(true).queue();
            return;
        }
        if (!mayManage(e.getMember(), here)) {
            e.reply(denial("post a status board in", here)).setEphemeral(true).queue();
            return;
        }
        if ("off".equals(e.getOption("state", OptionMapping::getAsString))) {
            e.reply(board.remove(e.getGuild().getIdLong()) ? "The status board is removed." : "This server has no status board.")
                    .setEphemeral(true).queue();
            return;
        }
        e.deferReply(true).queue();
        board.post(here, e.getUser().getId(), text -> e.getHook().sendMessage(text).setEphemeral(true).queue());
    }

    private void stats(SlashCommandInteractionEvent e) throws SQLException {
        Optional<Binding> b = bindingHere(e);
        if (b.isEmpty()) {
            e.reply("Nothing is bound here: run it in a bound world's channel.").setEphemeral(true).queue();
            return;
        }
        int days = Optional.ofNullable(e.getOption("days", OptionMapping::getAsInt)).orElse(7);
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        WorldStatsStore.Totals t = stats.totals(b.get().id(), today.minusDays(days - 1L), today);
        e.reply("**" + b.get().displayName() + "**, " + (days == 1 ? "today" : "the last " + days + " days") + " (UTC): "
                + t.sessions() + (t.sessions() == 1 ? " session" : " sessions") + ", peak " + t.peakPlayers()
                + (t.peakPlayers() == 1 ? " player" : " players") + ", Discord voices " + minutes(t.discordAudioMs())
                + " into the world, world audio " + minutes(t.worldAudioMs()) + " into Discord.").queue();
    }

    private static String minutes(long ms) {
        long min = Math.round(ms / 60_000.0);
        return ms > 0 && min == 0 ? "under a minute" : min + (min == 1 ? " minute" : " minutes");
    }

    private void invite(SlashCommandInteractionEvent e) throws SQLException {
        Optional<Binding> b = bindingHere(e);
        if (b.isEmpty()) {
            e.reply("Nothing is bound here: run it in a bound world's channel.").setEphemeral(true).queue();
            return;
        }
        // only members who can see the bound channels get a way in
        GuildChannel voice = e.getGuild().getVoiceChannelById(b.get().voiceChannelId());
        GuildChannel text = b.get().textChannelId() == null ? null : e.getGuild().getTextChannelById(b.get().textChannelId());
        boolean sees = (voice != null && e.getMember().hasAccess(voice)) || (text != null && e.getMember().hasAccess(text));
        if (!sees) {
            e.reply("You cannot see **" + b.get().displayName() + "**'s channels, so no link for you.").setEphemeral(true).queue();
            return;
        }
        SignalingServer s = bindings.signaling();
        if (s == null || s.invites() == null) {
            e.reply("The relay is not ready to hand out links yet; try again in a moment.").setEphemeral(true).queue();
            return;
        }
        String invite = s.invites().issue(b.get().id(), e.getUser().getId(), e.getMember().getEffectiveName(), INVITE_VALID_FOR);
        e.reply("Your link to **" + b.get().displayName() + "**, for you only, valid for " + INVITE_VALID_FOR.toHours() + " hours: "
                + links.personal(invite)).setEphemeral(true).queue();
    }

    private void moderate(SlashCommandInteractionEvent e, String action) throws SQLException {
        Optional<Binding> b = bindingHere(e);
        if (b.isEmpty()) {
            e.reply("Nothing is bound here: run it in a bound world's channel.").setEphemeral(true).queue();
            return;
        }
        VoiceChannel voice = e.getGuild().getVoiceChannelById(b.get().voiceChannelId());
        if (voice == null) {
            e.reply("The bound voice channel is gone.").setEphemeral(true).queue();
            return;
        }
        if (!mayManage(e.getMember(), voice)) {
            e.reply(denial(action + " players through", voice)).setEphemeral(true).queue();
            return;
        }
        String wanted = e.getOption("player", OptionMapping::getAsString);
        RoomState room = bindings.roomState(b.get().shard());
        Optional<RoomState.Player> player = room == null ? Optional.empty() : room.players().stream()
                .filter(p -> p.id().equals(wanted) || p.name().equalsIgnoreCase(wanted)).findFirst();
        if (player.isEmpty()) {
            e.reply("There is no player `" + wanted + "` in **" + b.get().displayName() + "** right now.").setEphemeral(true).queue();
            return;
        }
        SignalingServer s = bindings.signaling();
        if (s == null || !s.sendTo(b.get().shard(), SignalingServer.moderation(action, player.get().id(), e.getUser().getId(),
                e.getMember().getEffectiveName()))) {
            e.reply("The world is not connected; nothing was sent.").setEphemeral(true).queue();
            return;
        }
        e.reply("Asked **" + b.get().displayName() + "** to " + action + " " + player.get().name() + ".").setEphemeral(true).queue();
    }

    private void help(SlashCommandInteractionEvent e) {
        e.reply("""
                `/portal bind shard [voice-channel] [name]` bind a world to a voice channel (Manage Channels needed)
                `/portal unbind [voice-channel]` unbind it (Manage Channels needed)
                `/portal status` the world, its players, who is bridged
                `/portal stats [days]` sessions, peak players and audio carried, by default over 7 days
                `/portal board [on|off]` a message here listing this server's worlds, kept up to date (Manage Channels needed)
                `/portal invite` your own link to watch the world from a browser (24 hours)
                `/portal notify on|off` a direct message when the world here goes from empty to occupied
                `/portal kick|mute|unmute player` ask the world to do so (Manage Channels needed)
                `/portal help` this""").setEphemeral(true).queue();
    }

    @Override
    public void onCommandAutoCompleteInteraction(CommandAutoCompleteInteractionEvent e) {
        if (!e.getName().equals(NAME)) return;
        String typed = e.getFocusedOption().getValue().toLowerCase(Locale.ROOT);
        try {
            List<Command.Choice> choices = switch (e.getFocusedOption().getName()) {
                case "shard" -> shards.list().stream().filter(s -> s.revokedAt() == null)
                        .map(ShardTokens.Entry::shard).filter(s -> s.toLowerCase(Locale.ROOT).startsWith(typed))
                        .limit(25).map(s -> new Command.Choice(s, s)).toList();
                case "player" -> players(e).stream().filter(p -> p.name().toLowerCase(Locale.ROOT).startsWith(typed))
                        .limit(25).map(p -> new Command.Choice(p.name(), p.id())).toList();
                default -> List.of();
            };
            e.replyChoices(choices).queue();
        } catch (SQLException ex) {
            e.replyChoices(List.of()).queue();
        }
    }

    // the players of the world bound where the member asks (their voice channel, or this channel)
    private List<RoomState.Player> players(CommandAutoCompleteInteractionEvent e) throws SQLException {
        Optional<Binding> b = Optional.empty();
        var state = e.getMember() == null ? null : e.getMember().getVoiceState();
        if (state != null && state.getChannel() != null) b = bindings.store().byVoiceChannel(state.getChannel().getIdLong());
        if (b.isEmpty()) b = bindings.store().byChannel(e.getChannel().getIdLong()).stream().findFirst();
        RoomState room = b.map(x -> bindings.roomState(x.shard())).orElse(null);
        return room == null ? List.of() : room.players();
    }

    // the named voice channel, else the one the member is in
    private static VoiceChannel voiceChannel(SlashCommandInteractionEvent e) {
        OptionMapping o = e.getOption("voice-channel");
        if (o != null) {
            GuildChannel c = o.getAsChannel();
            return c instanceof VoiceChannel v ? v : null;
        }
        var state = e.getMember().getVoiceState();
        return state != null && state.getChannel() instanceof VoiceChannel v ? v : null;
    }

    // the binding of the named voice channel, else of the member's voice channel, else of this text channel
    private Optional<Binding> bindingHere(SlashCommandInteractionEvent e) throws SQLException {
        VoiceChannel voice = voiceChannel(e);
        if (voice != null) {
            Optional<Binding> b = bindings.store().byVoiceChannel(voice.getIdLong());
            if (b.isPresent() || e.getOption("voice-channel") != null) return b;
        }
        return bindings.store().byChannel(e.getChannel().getIdLong()).stream().findFirst();
    }

    private boolean mayManage(Member m, net.dv8tion.jda.api.entities.channel.middleman.GuildChannel channel) {
        return m.hasPermission(channel, Permission.MANAGE_CHANNEL)
                || m.getRoles().stream().anyMatch(r -> managerRoles.contains(r.getName().toLowerCase(Locale.ROOT)));
    }

    private String denial(String what, net.dv8tion.jda.api.entities.channel.middleman.GuildChannel channel) {
        return "You need **Manage Channels** on " + channel.getAsMention()
                + (managerRoles.isEmpty() ? "" : " or one of the roles " + managerRoles.stream().sorted().map(r -> "`" + r + "`")
                .collect(Collectors.joining(", ")))
                + " to " + what + " it.";
    }
}
