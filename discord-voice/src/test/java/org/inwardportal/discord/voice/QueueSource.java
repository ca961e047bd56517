package org.inwardportal.discord.voice;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Test source: hands out queued frames, one per tick. */
final class QueueSource implements OpusFrameSource {
    final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();

    void add(List<byte[]> frames) {
        queue.addAll(frames);
    }

    @Override
    public ByteBuffer nextFrame() {
        byte[] f = queue.poll();
        return f == null ? null : ByteBuffer.wrap(f);
    }
}
