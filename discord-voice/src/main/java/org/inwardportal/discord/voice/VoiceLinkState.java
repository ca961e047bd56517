package org.inwardportal.discord.voice;

/** The state of one voice link, as /readyz and the control plane show it. */
public enum VoiceLinkState {
    /** Not asked to be in a channel. */
    IDLE,
    CONNECTING,
    /** In the channel; audio flows. */
    READY,
    /** Lost the connection; rejoining on its own. */
    RECONNECTING,
    /** Gave up; the reason says why (e.g. close 4017: DAVE required). */
    FAILED
}
