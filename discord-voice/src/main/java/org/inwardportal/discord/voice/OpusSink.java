package org.inwardportal.discord.voice;

/**
 * Where a voice link delivers each Opus frame it receives from Discord, per speaker, undecoded.
 * Called on JDA's receive thread: must not block.
 */
@FunctionalInterface
public interface OpusSink {
    void onOpus(Speaker speaker, int sequence, long timestamp, byte[] opus);
}
