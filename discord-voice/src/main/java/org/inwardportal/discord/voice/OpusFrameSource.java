package org.inwardportal.discord.voice;

import java.nio.ByteBuffer;

/**
 * What a voice link sends to Discord: asked for one 20 ms Opus frame per tick from the send
 * thread. Returns null when nothing is ready (the link then finishes speech with five silence
 * frames). Must not block.
 */
@FunctionalInterface
public interface OpusFrameSource {
    ByteBuffer nextFrame();

    OpusFrameSource SILENT = () -> null;
}
