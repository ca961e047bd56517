package org.inwardportal.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Spectator invites: {@code base64url(payload).base64url(HMAC-SHA256(key, payload))}, where the
 * payload names the binding, the viewer (Discord id and display name) and the expiry. Signed with
 * the relay's invite key, checked in constant time; an invite is good for its one binding only.
 */
public final class Invites {
    /** Who an invite admits. */
    public record Invite(String binding, String viewerId, String viewerName, Instant expires) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private final byte[] key;
    private final Clock clock;

    public Invites(byte[] key, Clock clock) {
        if (key.length < 32) throw new IllegalArgumentException("the invite key needs at least 32 bytes");
        this.key = key.clone();
        this.clock = clock;
    }

    public String issue(String binding, String viewerId, String viewerName, Duration validFor) {
        ObjectNode p = SignalingServer.JSON.createObjectNode().put("b", binding).put("v", viewerId).put("n", viewerName)
                .put("exp", clock.instant().plus(validFor).getEpochSecond());
        String payload = B64.encodeToString(p.toString().getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(mac(payload));
    }

    /** The invite if the signature verifies and it has not expired; empty otherwise (no reason given to the holder). */
    public Optional<Invite> verify(String invite) {
        if (invite == null || invite.length() > 2048) return Optional.empty();
        int dot = invite.indexOf('.');
        if (dot <= 0 || dot == invite.length() - 1) return Optional.empty();
        String payload = invite.substring(0, dot);
        byte[] presented;
        try {
            presented = B64D.decode(invite.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(payload), presented)) return Optional.empty();
        try {
            JsonNode p = SignalingServer.JSON.readTree(B64D.decode(payload));
            Instant expires = Instant.ofEpochSecond(p.path("exp").asLong());
            if (!clock.instant().isBefore(expires)) return Optional.empty();
            return Optional.of(new Invite(p.path("b").asText(), p.path("v").asText(), p.path("n").asText(), expires));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * True if the invite is genuine (the signature verifies) but has expired: the holder may be told
     * so and to ask for a new one. A forged or malformed invite is never "expired".
     */
    public boolean expired(String invite) {
        if (invite == null || invite.length() > 2048) return false;
        int dot = invite.indexOf('.');
        if (dot <= 0 || dot == invite.length() - 1) return false;
        try {
            String payload = invite.substring(0, dot);
            if (!MessageDigest.isEqual(mac(payload), B64D.decode(invite.substring(dot + 1)))) return false;
            JsonNode p = SignalingServer.JSON.readTree(B64D.decode(payload));
            return !clock.instant().isBefore(Instant.ofEpochSecond(p.path("exp").asLong()));
        } catch (Exception e) {
            return false;
        }
    }

    private byte[] mac(String payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
