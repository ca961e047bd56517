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

    final java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public boolean dropFrame() {
        if (queue.poll() == null) return false;
        dropped.incrementAndGet();
        return true;
    }

    /** True: the source tells each frame's RTP timestamp (frame "…#i" has 960 × i), as the binding pipeline does. */
    volatile boolean withTimestamps;

    @Override
    public long nextTimestamp() {
        byte[] f = withTimestamps ? queue.peek() : null;
        if (f == null) return -1;
        String s = new String(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        return Long.parseLong(s.substring(s.lastIndexOf('#') + 1)) * 960L;
    }

    @Override
    public int framesWaiting() {
        return queue.size();
    }

    @Override
    public boolean wantsTicks() {
        return ticksWhileQueued && !queue.isEmpty();
    }
}
