package org.inwardportal.discord.voice;

/** A Discord member as the relay names them to the world: user id and display name. */
public record Speaker(long userId, String displayName) {
}
