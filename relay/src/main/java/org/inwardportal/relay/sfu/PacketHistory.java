package org.inwardportal.relay.sfu;

import io.netty.buffer.ByteBuf;

/**
 * The last {@code capacity} video packets of one publisher stream, by sequence number, for NACK
 * retransmission (RFC 4585 §6.2.1). Slots are pre-allocated byte arrays: storing a packet copies
 * it, allocating nothing.
 */
final class PacketHistory {
    private final byte[][] slots;
    private final int[] lengths;
    private final int[] sequences;
    private final int mask;

    PacketHistory(int capacityPowerOfTwo, int maxPacket) {
        slots = new byte[capacityPowerOfTwo][maxPacket];
        lengths = new int[capacityPowerOfTwo];
        sequences = new int[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
        java.util.Arrays.fill(sequences, -1);
    }

    void store(int sequence, ByteBuf packet, int from, int length) {
        int i = sequence & mask;
        if (length > slots[i].length) return;
        packet.getBytes(from, slots[i], 0, length);
        lengths[i] = length;
        sequences[i] = sequence;
    }

    /** Copies the packet with this sequence number into {@code out}; false if it is no longer held. */
    boolean copy(int sequence, ByteBuf out) {
        int i = sequence & mask;
        if (sequences[i] != sequence) return false;
        out.writeBytes(slots[i], 0, lengths[i]);
        return true;
    }
}
