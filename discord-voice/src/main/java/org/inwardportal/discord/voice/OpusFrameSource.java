package org.inwardportal.discord.voice;

import java.nio.ByteBuffer;

/**
 * What a voice link sends to Discord: asked for the next Opus frame by the send thread as soon as
 * {@link VoiceLink#frameReady()} says one is there (and at most once per 20 ms slot). Returns null
 * when nothing is ready (the link then finishes speech with five silence frames). Must not block.
 */
@FunctionalInterface
public interface OpusFrameSource {
    ByteBuffer nextFrame();

    /** True while the source must be asked every 20 ms even without new frames (it is mixing). */
    default boolean wantsTicks() {
        return false;
    }

    OpusFrameSource SILENT = () -> null;
}
