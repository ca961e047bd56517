package org.inwardportal.discord.standin;

/**
 * One Opus frame an emulated member received from a bot, decrypted: who sent it, its RTP
 * sequence number and timestamp, the Opus payload, and when it arrived ({@link System#nanoTime()}).
 */
public record Heard(long fromUserId, int sequence, long timestamp, byte[] opus, long arrivalNanos) {
}
