package org.inwardportal.discord.voice;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.audio.AudioSendHandler;

/**
 * Feeds JDA raw Opus ({@link #isOpus()}: JDA skips encoding). When the source runs dry after
 * speech, five Opus silence frames follow, as Discord asks, so receivers' decoders do not
 * interpolate into the gap. JDA's send system advances the RTP timestamp every 20 ms tick, sent or
 * not, so timestamps keep pace with wall time through silence. No allocation per frame.
 */
final class OpusSendHandler implements AudioSendHandler {
    static final int SILENCE_FRAMES_AFTER_SPEECH = 5;
    private static final byte[] SILENCE = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};

    private final ByteBuffer silence = ByteBuffer.allocateDirect(SILENCE.length).put(SILENCE).flip();
    private volatile OpusFrameSource source;
    private ByteBuffer pending;
    private int silenceLeft;
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong silenceFramesSent = new AtomicLong();

    OpusSendHandler(OpusFrameSource source) {
        this.source = source;
    }

    void source(OpusFrameSource source) {
        this.source = source;
    }

    @Override
    public boolean canProvide() {
        ByteBuffer next = source.nextFrame();
        if (next != null && next.hasRemaining()) {
            pending = next;
            silenceLeft = SILENCE_FRAMES_AFTER_SPEECH;
            framesSent.incrementAndGet();
            return true;
        }
        if (silenceLeft > 0) {
            silenceLeft--;
            pending = silence.clear().limit(SILENCE.length);
            silenceFramesSent.incrementAndGet();
            return true;
        }
        pending = null;
        return false;
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
