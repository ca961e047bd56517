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
     * How many frames wait to be taken, or -1 if the source cannot tell. Wakes coalesce (two frames that arrive before the send
     * thread runs give one wake), so the send thread asks after each send: without it the second
     * frame would wait for the next frame's wake, and so would every frame after it. At the start of
     * a talk spurt the count also tells how many frames are late already. Send thread only.
     */
    default int framesWaiting() {
        return -1; // unknown
    }

    /**
     * The source's own RTP timestamp (48 kHz) of the frame {@link #nextFrame} would return now, or
     * -1 if unknown (then the send system stamps by the wall clock alone). With it, packets are
     * stamped by the source's clock: frames a stall or hiccup delayed keep their places and go out
     * one after the other, and a frame the source skipped leaves a gap. Send thread only.
     */
    default long nextTimestamp() {
        return -1;
    }

    /** Who sends the frame {@link #nextTimestamp} is about (a new one starts a new timeline). */
    default long nextSource() {
        return 0;
    }

    /**
     * Drops the oldest waiting frame, because it cannot leave in time: the send system's stamps
     * already run as far ahead of the wall clock as they may and more frames wait behind it; a
     * source that sends at the rate frames leave would keep that queue for good. False if nothing
     * was dropped. Send thread only.
     */
    default boolean dropFrame() {
        return false;
    }

    OpusFrameSource SILENT = () -> null;
}
