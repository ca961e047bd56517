package org.inwardportal.relay.binding;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.netty.buffer.ByteBuf;

/**
 * One direction of a binding: a single-producer LMAX Disruptor ring of pre-allocated slots, each
 * holding one Opus frame and its facts. Publishing copies the frame into a slot and never blocks or
 * allocates; a full ring refuses the frame (the caller counts it). The one consumer reads slots in
 * order and releases each when done with it.
 */
final class OpusRing {
    static final int MAX_FRAME = 1500;

    /** A pre-allocated slot: the frame's bytes and where it came from. */
    static final class Slot {
        final byte[] data = new byte[MAX_FRAME];
        int length;
        long source;
        int sequence;
        long timestamp;
        long arrivalNanos;
    }

    private final RingBuffer<Slot> ring;
    private final Sequence consumed = new Sequence(-1);

    OpusRing(int sizePowerOfTwo) {
        ring = RingBuffer.createSingleProducer(Slot::new, sizePowerOfTwo);
        ring.addGatingSequences(consumed);
    }

    /** From the producer thread: copies the frame; false if the ring is full. */
    boolean offer(ByteBuf from, int offset, int length, long source, int sequence, long timestamp, long arrivalNanos) {
        long n = claim(length);
        if (n < 0) return false;
        from.getBytes(offset, ring.get(n).data, 0, length);
        publish(n, length, source, sequence, timestamp, arrivalNanos);
        return true;
    }

    /** From the producer thread: copies the frame; false if the ring is full. */
    boolean offer(byte[] from, int length, long source, int sequence, long timestamp, long arrivalNanos) {
        long n = claim(length);
        if (n < 0) return false;
        System.arraycopy(from, 0, ring.get(n).data, 0, length);
        publish(n, length, source, sequence, timestamp, arrivalNanos);
        return true;
    }

    // the next free slot's sequence, or -1 if the frame is too large or the ring full
    private long claim(int length) {
        if (length > MAX_FRAME) return -1;
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException full) {
            return -1;
        }
    }

    private void publish(long n, int length, long source, int sequence, long timestamp, long arrivalNanos) {
        Slot s = ring.get(n);
        s.length = length;
        s.source = source;
        s.sequence = sequence;
        s.timestamp = timestamp;
        s.arrivalNanos = arrivalNanos;
        ring.publish(n);
    }

    /** Published frames the consumer has not taken yet. */
    long backlog() {
        return ring.getCursor() - consumed.get();
    }

    /** The next unread slot, or null; it stays the consumer's until {@link #release}. */
    Slot peek() {
        long next = consumed.get() + 1;
        return next <= ring.getCursor() ? ring.get(next) : null;
    }

    /** Gives the slot {@link #peek} returned back to the producer. */
    void release() {
        consumed.set(consumed.get() + 1);
    }
}
