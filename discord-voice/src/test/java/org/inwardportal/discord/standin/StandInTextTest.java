package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.requests.GatewayIntent;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slash commands, messages, DMs and channel topics through real JDA against the stand-in. */
class StandInTextTest {
    private final DiscordStandIn standIn = start();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private JDA jda;

    private static DiscordStandIn start() {
        try {
            return DiscordStandIn.start();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        if (jda != null) jda.shutdownNow();
        standIn.close();
    }

    private void onEvent(GenericEvent event) {
        switch (event) {
            case SlashCommandInteractionEvent e -> {
                seen.add("slash " + e.getFullCommandName() + " by " + e.getMember().getEffectiveName()
                        + " shard=" + e.getOption("shard", m -> m.getAsString()));
                e.reply("bound to " + e.getOption("shard", m -> m.getAsString())).setEphemeral(true)
                        .flatMap(hook -> hook.editOriginal("bound to " + e.getOption("shard", m -> m.getAsString()) + " (done)"))
                        .queue();
                e.getUser().openPrivateChannel().flatMap(dm -> dm.sendMessage("you will be notified")).queue();
            }
            case CommandAutoCompleteInteractionEvent e ->
                    e.replyChoiceStrings(List.of("alpha", "alpine", "beta").stream()
                            .filter(s -> s.startsWith(e.getFocusedOption().getValue())).toList()).queue();
            case MessageReceivedEvent e -> {
                if (!e.getAuthor().isBot()) seen.add("message " + e.getAuthor().getEffectiveName() + ": " + e.getMessage().getContentRaw());
            }
            default -> {
            }
        }
    }

    @Test
    void slashCommandsAutocompleteMessagesDmsAndTopicsRoundTrip() throws Exception {
        StandInWorld.User bot = standIn.addBot("Portal");
        EmulatedMember alice = standIn.addMember("Alice");
        jda = DiscordEndpoints.standIn(standIn).applyTo(JDABuilder.createDefault(bot.token(),
                        EnumSet.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.MESSAGE_CONTENT)))
                .addEventListeners((net.dv8tion.jda.api.hooks.EventListener) this::onEvent).build().awaitReady();
        var guild = jda.getGuildById(standIn.world().guildId());
        guild.updateCommands().addCommands(Commands.slash("portal", "Inward Portal")
                .addSubcommands(new SubcommandData("bind", "Bind this channel to a world")
                        .addOption(OptionType.STRING, "shard", "world server", true, true))).complete();

        var world = standIn.world().channel("world");
        Interaction choices = alice.autocomplete(world, "portal", "bind", "shard", "al");
        JsonNode auto = choices.awaitResponse(1, Duration.ofSeconds(5));
        assertThat(auto.path("type").asInt()).isEqualTo(8);
        assertThat(auto.path("data").path("choices").findValuesAsText("value")).containsExactly("alpha", "alpine");

        Interaction bind = alice.slash(world, "portal", "bind", Map.of("shard", "alpha"));
        assertThat(bind.awaitResponse(2, Duration.ofSeconds(5))).as("reply, then edit").isNotNull();
        assertThat(bind.ephemeral()).isTrue();
        assertThat(bind.replyText()).isEqualTo("bound to alpha (done)");
        assertThat(seen).contains("slash portal bind by Alice shard=alpha");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (alice.directMessages().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(alice.directMessages()).extracting(m -> m.path("content").asText()).containsExactly("you will be notified");

        alice.say(world, "hello from the lobby");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!seen.contains("message Alice: hello from the lobby") && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(seen).contains("message Alice: hello from the lobby");

        var text = guild.getTextChannelById(world.id());
        text.getManager().setTopic("Watch: http://127.0.0.1/watch/abc").complete();
        text.sendMessage("world is open").complete();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!"Watch: http://127.0.0.1/watch/abc".equals(guild.getTextChannelById(world.id()).getTopic())
                && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(guild.getTextChannelById(world.id()).getTopic()).isEqualTo("Watch: http://127.0.0.1/watch/abc");
        assertThat(world.topic()).isEqualTo("Watch: http://127.0.0.1/watch/abc");
        assertThat(standIn.channelMessages(world.id())).extracting(m -> m.path("content").asText()).containsExactly("world is open");
        assertThat(standIn.unhandledRestCalls()).isEmpty();
    }
}
