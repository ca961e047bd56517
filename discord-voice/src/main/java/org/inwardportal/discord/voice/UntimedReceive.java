package org.inwardportal.discord.voice;

import java.net.DatagramSocket;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns off the receive timeout JDA's receive thread sets on a voice connection's UDP socket
 * ({@code SO_TIMEOUT} 1 s, only so that its loop can look at its interrupt flag).
 *
 * <p>Why: the JDK serves a timed {@code DatagramSocket.receive} with a non-blocking socket,
 * {@code recvfrom} → EAGAIN → {@code poll} → {@code recvfrom}; profiled at 20–40 bindings that was
 * 1.4 {@code recvfrom} + 0.6 {@code poll} per packet and ≈ 40 % of the receive thread's CPU
 * (bench/README.md). Untimed, the socket blocks in one {@code recvfrom} per packet.
 *
 * <p>Why it is safe: JDA ends that thread by closing the socket (every close path of its voice
 * connection does, and a new connection gets a new socket), which wakes a blocked receive with a
 * {@code SocketException}; the loop then sees the socket closed. Applied from the receive thread
 * itself, on a packet, so it always comes after JDA set its timeout.
 */
final class UntimedReceive {
    private static final Logger log = LoggerFactory.getLogger(UntimedReceive.class);
    private volatile DatagramSocket applied;

    /** Makes {@code socket}'s receive untimed the first time it is seen; a volatile read otherwise. */
    void apply(DatagramSocket socket) {
        if (socket == null || socket == applied) return;
        applied = socket;
        try {
            socket.setSoTimeout(0);
        } catch (SocketException e) {
            log.debug("voice socket closed before its receive timeout could be lifted: {}", e.toString());
        }
    }
}
