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
    /** True: a waiting frame makes the source ask every slot, as a mixer does; false: as passthrough does. */
    volatile boolean ticksWhileQueued = true;

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
    public boolean frameWaiting() {
        return !queue.isEmpty();
    }

    @Override
    public boolean wantsTicks() {
        return ticksWhileQueued && !queue.isEmpty();
    }
}
