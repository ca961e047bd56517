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
 *   <li>Time is cut into 20 ms slots from the connection's start. A packet is stamped for a slot
 *       (JDA's counter, below). When the source tells its own RTP timestamps
 *       ({@link OpusFrameSource#nextTimestamp}), stamps follow the source's clock from the start
 *       of each talk spurt: frames that a hiccup or a stall delayed keep their places and leave one
 *       after the other as soon as they are here, a frame the source skipped leaves a gap, and no
 *       queue can form that a source sending exactly 50 frames/s would never drain. Otherwise stamps
 *       follow the wall clock's slots.
 *   <li>Either way the stamps stay within {@link #MAX_LEAD_SLOTS} ahead of and {@link #MAX_LAG_SLOTS}
 *       behind the wall clock's slot, so they never drift (receivers' jitter buffers take packets
 *       a little early or late in their stride). Early packets keep {@link #MIN_GAP_NANOS} apart. A
 *       frame that would have to wait because the lead is spent is dropped instead (counted), since
 *       waiting would delay every frame after it for the rest of the spurt. Measured before this:
 *       20–50 ms added toward Discord for whole talk spurts (docs/discord-voice.md).
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
    private static final int FRAME_SAMPLES = 960;
    /** Slots without a frame after which speech counts as ended. */
    static final int SPEECH_END_SLOTS = 3;
    private static final long IDLE_PARK_NANOS = 1_000_000_000L;
    /** How far packet stamps may run ahead of the wall clock's slot to drain a queue. */
    static final int MAX_LEAD_SLOTS = 4;
    /** How far packet stamps may fall behind the wall clock's slot within speech (late frames after a hiccup). */
    static final int MAX_LAG_SLOTS = 3;
    /** Closest two packets may follow each other when sent ahead of their slot (a quarter slot). */
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
        long lastSpeechSlot = Long.MIN_VALUE / 2; // the later of the last speech packet's stamp and the slot it left in
        long lastSentNanos = Long.MIN_VALUE / 2;
        // the source's timeline: its frame with timestamp anchorTs is stamped anchorCalls
        long anchorCalls = 0, anchorTs = 0, anchorSource = 0;
        boolean anchored = false;
        boolean woken = true;
        while (running && !socket.isClosed() && !Thread.currentThread().isInterrupted()) {
            long now = clock.getAsLong();
            long slot = (now - start) / SLOT_NANOS;
            boolean speechEnded = slot - lastSpeechSlot >= SPEECH_END_SLOTS;
            boolean ticking = handler.wantsTicks(); // the mixer keeps the strict grid: its jitter buffers set the pace
            if (woken && !ticking && handler.framesWaiting() == 0) woken = false; // its frame went with an earlier wake
            long ts = woken && !ticking ? handler.nextTimestamp() : -1;
            long target;   // the stamp the next frame takes
            long dueAt;    // when it may leave
            if (ts >= 0) {
                long source = handler.nextSource();
                if (!anchored || speechEnded || source != anchorSource) {
                    anchorCalls = spurtStart(calls, slot);
                    anchorTs = ts;
                    anchorSource = source;
                    anchored = true;
                }
                target = Math.max(calls, anchorCalls + (int) (ts - anchorTs) / FRAME_SAMPLES); // (int): 32-bit RTP wrap
                if (target < slot - MAX_LAG_SLOTS) { // far behind the wall clock (a long stall): catch up
                    anchorCalls = target = Math.max(calls, slot - MAX_LAG_SLOTS);
                    anchorTs = ts;
                }
                if (target > slot + MAX_LEAD_SLOTS && handler.dropFrame()) {
                    // The stamps already run as far ahead of the wall clock as they may (a source a little
                    // fast, or a spurt that began with a burst), and a source sending at the rate frames leave
                    // would keep this frame and all after it waiting: it goes, and the next takes its stamp.
                    anchorCalls = calls;
                    anchorTs = ts + FRAME_SAMPLES;
                    continue;
                }
                dueAt = Math.max(start + (target - MAX_LEAD_SLOTS) * SLOT_NANOS, Math.min(lastSentNanos + MIN_GAP_NANOS, start + target * SLOT_NANOS));
            } else if (ticking || !woken) {
                target = ticking || speechEnded ? slot : calls;
                dueAt = start + calls * SLOT_NANOS;
            } else { // no source timeline: the wall clock's slots, with a bounded lead and lag
                target = speechEnded ? spurtStart(calls, slot) : Math.max(calls, slot - MAX_LAG_SLOTS);
                dueAt = Math.min(start + calls * SLOT_NANOS,
                        Math.max(start + (calls - MAX_LEAD_SLOTS) * SLOT_NANOS, lastSentNanos + MIN_GAP_NANOS));
            }
            boolean due = ticking ? calls <= slot : woken ? now >= dueAt : calls <= slot;
            if (due && (woken || ticking || (speechEnded && handler.silencePending()))) {
                woken = false;
                handler.skipping(true);
                while (calls < target) {
                    provider.getNextPacketRaw(false); // nothing provided: the counter moves on, nothing is built
                    calls++;
                }
                handler.skipping(false);
                handler.silenceAllowed(speechEnded);
                ByteBuffer packet = provider.getNextPacketRaw(false);
                long stamped = calls++;
                if (handler.provided() && packet != null && packet.hasRemaining()) {
                    if (handler.providedSpeech()) lastSpeechSlot = Math.max(stamped, slot);
                    send(socket, packet);
                    lastSentNanos = now;
                }
                woken = handler.takeWake() || handler.framesWaiting() > 0;
                continue;
            }
            woken |= await(start, calls, lastSpeechSlot, woken ? dueAt : Long.MIN_VALUE);
        }
    }

    // A spurt that starts with frames already waiting starts that many slots back (at most MAX_LAG_SLOTS),
    // so sending them does not spend the lead for the whole spurt.
    private long spurtStart(long calls, long slot) {
        return Math.max(calls, slot - Math.min(Math.max(0, handler.framesWaiting() - 1), MAX_LAG_SLOTS));
    }

    /**
     * Parks until a frame may go, or until the next thing due; true if a frame waits. {@code frameDueAt}:
     * when the frame known to wait may go, or {@link Long#MIN_VALUE} when none is known to wait.
     */
    private boolean await(long start, long calls, long lastSpeechSlot, long frameDueAt) {
        long nextSlot = start + calls * SLOT_NANOS;
        long deadline;
        if (handler.wantsTicks()) {
            deadline = nextSlot;
        } else if (handler.silencePending()) {
            deadline = Math.max(nextSlot, start + (lastSpeechSlot + SPEECH_END_SLOTS) * SLOT_NANOS);
        } else {
            deadline = clock.getAsLong() + IDLE_PARK_NANOS;
        }
        boolean frameKnown = frameDueAt != Long.MIN_VALUE;
        if (frameKnown) deadline = frameDueAt; // a frame waits for its time: nothing else is due before it
        while (running) {
            long now = clock.getAsLong();
            // a frame that arrives while none was known: look at it now (its place on the timeline decides)
            if (!frameKnown && (handler.takeWake() || handler.framesWaiting() > 0)) return true;
            if (now >= deadline) return frameKnown;
            LockSupport.parkNanos(this, Math.max(1, deadline - now));
            if (Thread.interrupted()) {
                running = false;
            }
        }
        return false;
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
