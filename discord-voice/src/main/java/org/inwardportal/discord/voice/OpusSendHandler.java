package org.inwardportal.discord.voice;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.dv8tion.jda.api.audio.AudioSendHandler;

/**
 * Feeds JDA raw Opus ({@link #isOpus()}: JDA skips encoding), driven by the {@link PacedSendSystem}:
 * it wakes the send thread when the pipeline has a frame ({@link #wake}), skips the calls the send
 * system makes only to move JDA's timestamp on, and after speech sends five Opus silence frames, as
 * Discord asks, so receivers' decoders do not interpolate into the gap. No allocation per frame.
 */
final class OpusSendHandler implements AudioSendHandler {
    static final int SILENCE_FRAMES_AFTER_SPEECH = 5;
    private static final byte[] SILENCE = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};

    private final ByteBuffer silence = ByteBuffer.allocateDirect(SILENCE.length).put(SILENCE).flip();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile OpusFrameSource source;
    private volatile Thread sendThread;
    // the send thread's own state
    private ByteBuffer pending;
    private int silenceLeft;
    private boolean skipping;
    private boolean silenceAllowed = true;
    private boolean provided;
    private boolean providedSpeech;
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong silenceFramesSent = new AtomicLong();

    OpusSendHandler(OpusFrameSource source) {
        this.source = source;
    }

    void source(OpusFrameSource source) {
        this.source = source;
    }

    /** A frame is ready: the send thread takes it now rather than at its next slot check. Any thread; never blocks. */
    void wake() {
        if (!wakeRequested.getAndSet(true)) {
            Thread t = sendThread;
            if (t != null) LockSupport.unpark(t);
        }
    }

    void sendThread(Thread t) {
        sendThread = t;
    }

    boolean takeWake() {
        return wakeRequested.getAndSet(false);
    }

    void skipping(boolean skip) {
        skipping = skip;
    }

    void silenceAllowed(boolean allowed) {
        silenceAllowed = allowed;
    }

    /** Whether the last {@link #canProvide} gave JDA something to send, and whether that was speech. */
    boolean provided() {
        return provided;
    }

    boolean providedSpeech() {
        return providedSpeech;
    }

    boolean silencePending() {
        return silenceLeft > 0;
    }

    boolean wantsTicks() {
        return source.wantsTicks();
    }

    int framesWaiting() {
        return source.framesWaiting();
    }

    long nextTimestamp() {
        return source.nextTimestamp();
    }

    long nextSource() {
        return source.nextSource();
    }

    boolean dropFrame() {
        return source.dropFrame();
    }

    @Override
    public boolean canProvide() {
        providedSpeech = false;
        if (skipping) return provided = false;
        ByteBuffer next = source.nextFrame();
        if (next != null && next.hasRemaining()) {
            pending = next;
            silenceLeft = SILENCE_FRAMES_AFTER_SPEECH;
            framesSent.incrementAndGet();
            providedSpeech = true;
            return provided = true;
        }
        if (silenceAllowed && silenceLeft > 0) {
            silenceLeft--;
            pending = silence.clear().limit(SILENCE.length);
            silenceFramesSent.incrementAndGet();
            return provided = true;
        }
        pending = null;
        return provided = false;
    }

    @Override
    public ByteBuffer provide20MsAudio() {
        return pending;
    }

    @Override
    public boolean isOpus() {
        return true;
    }
}
