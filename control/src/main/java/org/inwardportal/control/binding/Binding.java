package org.inwardportal.control.binding;

import java.time.Instant;
import org.inwardportal.relay.binding.BindingPipeline;

/**
 * A binding as stored: one shard's room joined to one Discord voice channel, with the text channel
 * that carries its notifications, chat and spectator link.
 *
 * @param id            the relay's id for it ({@code b-…}); shards see it in {@code welcome}
 * @param textChannelId null when the binding has no text channel
 * @param toShard       Discord speakers toward the shard: one track each, or mixed into one
 * @param notifications whether the empty → occupied notification is posted
 * @param chatBridge    whether world chat and the text channel are bridged
 * @param createdBy     the Discord user id of whoever made it (or {@code api} for the HTTP API)
 */
public record Binding(String id, long guildId, long voiceChannelId, Long textChannelId, String shard, String displayName,
                      BindingPipeline.ToShard toShard, boolean notifications, boolean chatBridge, String createdBy, Instant createdAt) {
    public static final int MAX_NAME = 100;

    public Binding {
        if (shard == null || !org.inwardportal.control.tokens.ShardTokens.SHARD_ID.matcher(shard).matches()) {
            throw new IllegalArgumentException("a shard id is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (displayName == null || displayName.isBlank() || displayName.length() > MAX_NAME) {
            throw new IllegalArgumentException("a binding's name is 1-" + MAX_NAME + " characters");
        }
    }

    public Binding withOptions(BindingPipeline.ToShard toShard, boolean notifications, boolean chatBridge) {
        return new Binding(id, guildId, voiceChannelId, textChannelId, shard, displayName, toShard, notifications, chatBridge, createdBy, createdAt);
    }
}
