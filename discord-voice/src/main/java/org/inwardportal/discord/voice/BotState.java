package org.inwardportal.discord.voice;

/** A bot's login state. */
public enum BotState {
    CONNECTING, READY, FAILED, STOPPED
}
