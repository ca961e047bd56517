package org.inwardportal.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InvitesTest {
    private final byte[] key = "an invite key of at least 32 bytes!!".getBytes();
    private final Instant now = Instant.parse("2026-11-21T12:00:00Z");

    @Test
    void anInviteIsGoodForItsBindingUntilItExpires() {
        Invites issuer = new Invites(key, Clock.fixed(now, ZoneOffset.UTC));
        String invite = issuer.issue("binding-7", "1001", "Alice", Duration.ofHours(1));
        assertThat(issuer.verify(invite)).hasValueSatisfying(i -> {
            assertThat(i.binding()).isEqualTo("binding-7");
            assertThat(i.viewerName()).isEqualTo("Alice");
        });
        Invites later = new Invites(key, Clock.fixed(now.plus(Duration.ofMinutes(61)), ZoneOffset.UTC));
        assertThat(later.verify(invite)).as("expired").isEmpty();
    }

    @Test
    void forgedOrMangledInvitesAreRefused() {
        Invites issuer = new Invites(key, Clock.fixed(now, ZoneOffset.UTC));
        String invite = issuer.issue("binding-7", "1001", "Alice", Duration.ofHours(1));
        Invites otherRelay = new Invites("another relay's invite key, 32 bytes+".getBytes(), Clock.fixed(now, ZoneOffset.UTC));
        assertThat(otherRelay.verify(invite)).isEmpty();
        String payload = invite.substring(0, invite.indexOf('.'));
        String otherBinding = new Invites(key, Clock.fixed(now, ZoneOffset.UTC)).issue("binding-8", "1001", "Alice", Duration.ofHours(1));
        assertThat(issuer.verify(payload + otherBinding.substring(otherBinding.indexOf('.')))).as("signature of another invite").isEmpty();
        for (String bad : new String[] {"", ".", "abc", "abc.", ".def", "a.b.c", "%%%.###", invite + "x", invite.replace('A', 'B')}) {
            if (!bad.equals(invite)) assertThat(issuer.verify(bad)).as(bad).isEmpty();
        }
    }
}
