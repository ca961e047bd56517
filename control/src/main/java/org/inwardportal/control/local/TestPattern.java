package org.inwardportal.control.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The load harness's video (its light shards send it): VP8 frames of a moving test pattern (made by
 * {@code scripts/lib/make-test-pattern.sh}), read from an IVF file in the jar and looped at
 * {@link #FPS}, with a keyframe every second so a spectator who joins sees a picture within one.
 */
public final class TestPattern {
    public static final int FPS = 15;
    private static final String RESOURCE = "test-pattern.ivf";

    private final List<byte[]> frames;

    private TestPattern(List<byte[]> frames) {
        this.frames = frames;
    }

    public static TestPattern load() throws IOException {
        try (InputStream in = TestPattern.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException("the test pattern " + RESOURCE + " is not in the jar");
            return new TestPattern(ivfFrames(in.readAllBytes()));
        }
    }

    /** IVF: a 32-byte header ("DKIF", header size at 6), then per frame a 12-byte header (size, pts) and the frame. */
    static List<byte[]> ivfFrames(byte[] file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 32 || b.getInt(0) != 0x46494B44) throw new IOException("not an IVF file");
        int at = b.getShort(6) & 0xFFFF;
        List<byte[]> out = new ArrayList<>();
        while (at + 12 <= file.length) {
            int size = b.getInt(at);
            if (size < 0 || at + 12 + size > file.length) throw new IOException("IVF frame at " + at + " runs past the end");
            out.add(Arrays.copyOfRange(file, at + 12, at + 12 + size));
            at += 12 + size;
        }
        if (out.isEmpty()) throw new IOException("an IVF file without frames");
        return out;
    }

    int size() {
        return frames.size();
    }

    public byte[] frame(long index) {
        return frames.get((int) (index % frames.size()));
    }

    /** Whether a VP8 frame is a keyframe: the P bit of its first byte is 0 (RFC 6386 §9.1). */
    static boolean keyframe(byte[] vp8) {
        return vp8.length > 0 && (vp8[0] & 0x01) == 0;
    }
}
