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

    /**
     * True while another frame is waiting after the one just taken (the send thread asks right
     * after a send). Wakes coalesce: two frames that arrive before the send thread runs give one
     * wake, and without this the second would wait for the next frame's wake, a whole frame later,
     * and so would every frame after it. Called on the send thread only.
     */
    default boolean frameWaiting() {
        return false;
    }

    OpusFrameSource SILENT = () -> null;
}
