package org.inwardportal.discord.voice;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Test source: hands out queued frames, one per 20 ms slot (it asks for ticks while it holds a
 * backlog, and wakes the link's send thread when frames are added, as the pipeline does).
 */
final class QueueSource implements OpusFrameSource {
    final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    volatile VoiceLink link;

    void add(List<byte[]> frames) {
        queue.addAll(frames);
        VoiceLink l = link;
        if (l != null) l.frameReady();
    }

    @Override
    public ByteBuffer nextFrame() {
        byte[] f = queue.poll();
        return f == null ? null : ByteBuffer.wrap(f);
    }

    @Override
    public boolean wantsTicks() {
        return !queue.isEmpty();
    }
}
