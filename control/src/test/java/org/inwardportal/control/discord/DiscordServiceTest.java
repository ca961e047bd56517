package org.inwardportal.control.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.inwardportal.control.config.Secret;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.junit.jupiter.api.Test;

class DiscordServiceTest {
    @Test
    void localModeStartsTheStandInAndItsBotBecomesReady() throws Exception {
        DiscordService s = new DiscordService(List.of());
        try {
            s.start();
            assertThat(s.localMode()).isTrue();
            assertThat(s.standIn()).isNotNull();
            assertThat(s.health().state()).isEqualTo(Health.State.READY);
            assertThat(s.health().detail()).isEqualTo("local stand-in; local: ready");
        } finally {
            s.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aVoiceLinkClosedWith4017ShowsAsFailedWithTheReason() throws Exception {
        // dave = off: the bot offers no DAVE protocol version, so a stand-in that demands it closes with 4017.
        DiscordService s = new DiscordService(List.of(), org.inwardportal.discord.voice.DaveMode.OFF);
        try {
            s.start();
            var standIn = s.standIn();
            standIn.requireDave(true);
            var link = s.bots().link(standIn.world().guildId(), org.inwardportal.discord.voice.VoiceEvents.NONE,
                    (sp, q, t, o) -> { }, org.inwardportal.discord.voice.OpusFrameSource.SILENT);
            link.join(standIn.world().channel("World").id());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (s.health().state() != Health.State.FAILED && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(s.health().state()).isEqualTo(Health.State.FAILED);
            assertThat(s.health().detail()).contains("local: ready", "voice in guild", "failed", "4017");
        } finally {
            s.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRefusedTokenShowsAsFailedWithTheReasonButNotTheToken() throws Exception {
        try (DiscordStandIn standIn = DiscordStandIn.start()) {
            var good = standIn.addBot("Good");
            DiscordService s = new DiscordService(List.of(Secret.of(good.token()), Secret.of("standin.not.valid")),
                    DiscordEndpoints.standIn(standIn));
            try {
                s.start();
                Health h = s.health();
                assertThat(h.state()).isEqualTo(Health.State.FAILED);
                assertThat(h.detail()).contains("bot-1: ready", "bot-2: failed", "refused the bot token")
                        .doesNotContain("standin.not.valid", good.token());
            } finally {
                s.stop(Duration.ofSeconds(5));
            }
        }
    }
}
