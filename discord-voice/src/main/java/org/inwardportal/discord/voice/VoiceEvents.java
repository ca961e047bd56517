package org.inwardportal.discord.voice;

/** What happens in a linked voice channel, for the control plane. Called from JDA threads. */
public interface VoiceEvents {

    default void memberJoined(Speaker member) {
    }

    default void memberLeft(Speaker member) {
    }

    default void speakingStarted(Speaker speaker) {
    }

    default void speakingStopped(Speaker speaker) {
    }

    default void stateChanged(VoiceLinkState state, String reason) {
    }

    default void channelDeleted(long channelId) {
    }

    VoiceEvents NONE = new VoiceEvents() {
    };
}
