package org.inwardportal.discord.voice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import net.dv8tion.jda.api.audio.factory.IAudioSendSystem;
import net.dv8tion.jda.api.audio.factory.IPacketProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces JDA's send loop (which polls the send handler every 20 ms, so a frame waits 10 ms on
 * average, and sends a datagram each tick even in silence). Here a frame leaves as soon as it is
 * ready, woken by the pipeline ({@link OpusSendHandler#wake}), and yet the stream keeps Discord's
 * shape:
 * <ul>
 *   <li>Time is cut into 20 ms slots from the connection's start; a packet is stamped for one slot
 *       and normally sent in it (50 packets/s). A ready frame whose slot is used may still go at
 *       once, stamped for a later slot, while the stamps are at most {@link #MAX_LEAD_SLOTS} ahead of
 *       the wall clock and {@link #MIN_GAP_NANOS} have passed since the last packet. Without this, a
 *       frame arriving early by a little jitter near a slot boundary (or a short backlog after a
 *       stall) leaves a queue that a source sending exactly 50 frames/s never drains: every later
 *       frame of the talk spurt waited up to a slot (measured in local mode: p50 7 ms toward
 *       Discord). The receiver's jitter buffer sees a packet a little early, which it is made for.
 *   <li>JDA stamps each packet with its own counter, +960 per call of the packet provider; before a
 *       packet in slot {@code k} the provider is called until the counter stands at {@code k} with
 *       the handler skipping (nothing is sent), so RTP timestamps advance with wall time through any
 *       silence, however long, exactly as Discord's clients do (RFC 3550 §5.1).
 *   <li>Nothing is sent in silence: no empty or repeated datagrams.
 *   <li>Speech that stops is followed by five Opus silence frames, once no frame has come for
 *       {@link #SPEECH_END_SLOTS} slots (a late frame is not taken for the end of speech).
 *   <li>While the source mixes ({@link OpusFrameSource#wantsTicks}) it is asked every slot.
 * </ul>
 * One platform thread per voice connection, parked while there is nothing to do.
 */
final class PacedSendSystem implements IAudioSendSystem {
    private static final Logger log = LoggerFactory.getLogger(PacedSendSystem.class);
    static final long SLOT_NANOS = 20_000_000L;
    /** Slots without a frame after which speech counts as ended. */
    static final int SPEECH_END_SLOTS = 3;
    private static final long IDLE_PARK_NANOS = 1_000_000_000L;
    /** How far packet stamps may run ahead of the wall clock's slot to drain a queue. */
    static final int MAX_LEAD_SLOTS = 2;
    /** Closest two packets may follow each other (a quarter slot). */
    static final long MIN_GAP_NANOS = SLOT_NANOS / 4;

    private final IPacketProvider provider;
    private final OpusSendHandler handler;
    private final LongSupplier clock;
    private final byte[] out = new byte[2048];
    private final DatagramPacket datagram = new DatagramPacket(out, 0);
    private volatile boolean running;
    private Thread thread;

    PacedSendSystem(IPacketProvider provider, OpusSendHandler handler, LongSupplier clock) {
        this.provider = provider;
        this.handler = handler;
        this.clock = clock;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, provider.getIdentifier() + " paced sender");
        thread.setDaemon(true);
        thread.setPriority((Thread.NORM_PRIORITY + Thread.MAX_PRIORITY) / 2);
        handler.sendThread(thread);
        thread.start();
    }

    @Override
    public void shutdown() {
        running = false;
        handler.sendThread(null);
        if (thread != null) thread.interrupt();
    }

    private void run() {
        DatagramSocket socket = provider.getUdpSocket();
        long start = clock.getAsLong();
        long calls = 0;                         // the provider's counter: the slot its next packet is stamped for
        long lastSpeechSlot = Long.MIN_VALUE / 2; // the slot the last speech packet was stamped for
        long lastSentNanos = Long.MIN_VALUE / 2;
        boolean woken = true;
        while (running && !socket.isClosed() && !Thread.currentThread().isInterrupted()) {
            long now = clock.getAsLong();
            long slot = (now - start) / SLOT_NANOS;
            boolean speechEnded = slot - lastSpeechSlot >= SPEECH_END_SLOTS;
            boolean ticking = handler.wantsTicks(); // the mixer keeps the strict grid: its jitter buffers set the pace
            boolean early = woken && !ticking && calls <= slot + MAX_LEAD_SLOTS && now - lastSentNanos >= MIN_GAP_NANOS;
            if ((calls <= slot || early) && (woken || ticking || (speechEnded && handler.silencePending()))) {
                woken = false;
                handler.skipping(true);
                while (calls < slot) {
                    provider.getNextPacketRaw(false); // nothing provided: the counter moves on, nothing is built
                    calls++;
                }
                handler.skipping(false);
                handler.silenceAllowed(speechEnded);
                ByteBuffer packet = provider.getNextPacketRaw(false);
                long stamped = calls++;
                if (handler.provided() && packet != null && packet.hasRemaining()) {
                    if (handler.providedSpeech()) lastSpeechSlot = stamped;
                    send(socket, packet);
                    lastSentNanos = now;
                }
            }
            woken |= await(start, calls, lastSpeechSlot, lastSentNanos);
        }
    }

    /** Parks until woken or until the next thing due; true if woken by a frame that may go now. */
    private boolean await(long start, long calls, long lastSpeechSlot, long lastSentNanos) {
        long nextSlot = start + calls * SLOT_NANOS;
        // a ready frame may go before its slot: once stamps are no more than MAX_LEAD_SLOTS ahead, after the gap
        long earliestFrame = handler.wantsTicks() ? nextSlot
                : Math.min(nextSlot, Math.max(nextSlot - MAX_LEAD_SLOTS * SLOT_NANOS, lastSentNanos + MIN_GAP_NANOS));
        long deadline;
        if (handler.wantsTicks()) {
            deadline = nextSlot;
        } else if (handler.silencePending()) {
            deadline = Math.max(nextSlot, start + (lastSpeechSlot + SPEECH_END_SLOTS) * SLOT_NANOS);
        } else {
            deadline = clock.getAsLong() + IDLE_PARK_NANOS;
        }
        boolean woken = false;
        while (running) {
            long now = clock.getAsLong();
            woken |= handler.takeWake() || handler.frameWaiting(); // a frame left waiting counts as a wake
            if (woken && now >= earliestFrame) return true;
            if (now >= deadline && !woken) return false;
            LockSupport.parkNanos(this, Math.max(1, (woken ? earliestFrame : deadline) - now));
            if (Thread.interrupted()) {
                running = false;
            }
        }
        return woken;
    }

    private void send(DatagramSocket socket, ByteBuffer packet) {
        try {
            int n = Math.min(packet.remaining(), out.length);
            packet.get(packet.position(), out, 0, n);
            datagram.setData(out, 0, n);
            datagram.setSocketAddress(provider.getSocketAddress());
            socket.send(datagram);
        } catch (NoRouteToHostException e) {
            provider.onConnectionLost();
        } catch (SocketException e) {
            // the connection is closing: the loop ends with the socket
        } catch (IOException e) {
            log.warn("cannot send voice packet: {}", e.toString());
        }
    }
}
