package org.inwardportal.bench.jmh;

import club.minnced.discord.jdave.DaveCodec;
import club.minnced.discord.jdave.DaveDecryptor;
import club.minnced.discord.jdave.DaveEncryptor;
import club.minnced.discord.jdave.DaveMediaType;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.inwardportal.discord.dave.FrameDecryptor;
import org.inwardportal.discord.dave.FrameEncryptor;
import org.inwardportal.discord.standin.LibdaveGroupOfTwo;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DAVE frame encryption and decryption per frame (whitepaper "Encoded Frame Transforms"), ours
 * ({@code discord.dave}) and libdave's (through jdave, as JDA uses it) in the same run, on the same
 * MLS group and sender keys ({@link LibdaveGroupOfTwo}): 120-byte Opus frames in direct buffers, as
 * JDA hands them over (ours also with heap buffers). Target: ours at most 1.5 × libdave per frame,
 * 0 bytes allocated per frame.
 *
 * <p>Decryption feeds every decryptor frames it has not seen (a nonce decrypts once): frames sealed
 * in advance with consecutive nonces; when they run out, both sides get a new decryptor (rare: once
 * per {@value #FRAMES} frames). Every call's result is checked, so a failing path cannot pass for a fast one.
 *
 * <p>libdave needs glibc >= 2.38, so the fork runs through Debian 13's loader
 * ({@code scripts/lib/dave/bin/java}, relative to the repository root, where scripts/bench runs
 * JMH; that script fetches the runtime and sets {@code DAVE_JAVA}). Without the runtime the setup
 * fails with the reason and JMH goes on with the next benchmark.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvm = "scripts/lib/dave/bin/java", jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DaveFrameBenchmark {
    static final int FRAME_BYTES = 120;
    static final int FRAMES = 1 << 14;
    static final int SSRC = 0x1234;
    static final long SENDER = LibdaveGroupOfTwo.JAVA_USER;

    private LibdaveGroupOfTwo group;
    private final byte[] opus = new byte[FRAME_BYTES];
    private ByteBuffer plainDirect;
    private ByteBuffer outDirect;
    private ByteBuffer plainHeap;
    private ByteBuffer outHeap;
    private ByteBuffer openedDirect;
    private ByteBuffer openedHeap;

    private FrameEncryptor ourEncryptor;
    private DaveEncryptor libdaveEncryptor;

    // Frames sealed by SENDER with nonces 1..FRAMES, each at i * stride, as direct and heap slices.
    private ByteBuffer[] sealedDirect;
    private ByteBuffer[] sealedHeap;
    private FrameDecryptor ourDecryptor;
    private int ourNext;
    private DaveDecryptor libdaveDecryptor;
    private int libdaveNext;

    @Setup
    public void setup() throws Exception {
        String why = LibdaveGroupOfTwo.libdaveUnavailable();
        if (why != null) {
            throw new IllegalStateException("DaveFrameBenchmark needs libdave, which cannot load in this JVM (" + why
                    + "; it needs glibc >= 2.38): run it with scripts/bench, which starts the fork through Debian 13's loader"
                    + " (scripts/lib/dave-runtime.sh, docs/dave.md)");
        }
        // jdave logs every libdave call at DEBUG, which logback's default configuration prints.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("club.minnced")).setLevel(ch.qos.logback.classic.Level.WARN);
        group = LibdaveGroupOfTwo.join();
        new Random(3).nextBytes(opus);
        opus[0] = (byte) 0xFC;
        plainDirect = ByteBuffer.allocateDirect(FRAME_BYTES).put(opus).flip();
        plainHeap = ByteBuffer.allocate(FRAME_BYTES).put(opus).flip();
        outDirect = ByteBuffer.allocateDirect(FrameEncryptor.maxEncryptedSize(FRAME_BYTES));
        outHeap = ByteBuffer.allocate(FrameEncryptor.maxEncryptedSize(FRAME_BYTES));
        // Heap buffers are decrypted in place in the output, ciphertext and tag: room for the whole frame.
        openedDirect = ByteBuffer.allocateDirect(FrameEncryptor.maxEncryptedSize(FRAME_BYTES));
        openedHeap = ByteBuffer.allocate(FrameEncryptor.maxEncryptedSize(FRAME_BYTES));

        // Encryption: both sides as the same sender, with the same keys.
        ourEncryptor = new FrameEncryptor();
        ourEncryptor.setKeyRatchet(group.javaExporter().senderKeyRatchet(LibdaveGroupOfTwo.LIBDAVE_USER));
        libdaveEncryptor = DaveEncryptor.create(group.libdaveSession(), LibdaveGroupOfTwo.LIBDAVE_USER);
        libdaveEncryptor.assignSsrcToCodec(DaveCodec.OPUS, SSRC);
        libdaveEncryptor.processTransition(1);

        // Decryption: the same frames for both sides.
        FrameEncryptor producer = new FrameEncryptor();
        producer.setKeyRatchet(group.javaExporter().senderKeyRatchet(SENDER));
        int stride = FrameEncryptor.maxEncryptedSize(FRAME_BYTES);
        ByteBuffer direct = ByteBuffer.allocateDirect(FRAMES * stride);
        ByteBuffer heap = ByteBuffer.allocate(FRAMES * stride);
        sealedDirect = new ByteBuffer[FRAMES];
        sealedHeap = new ByteBuffer[FRAMES];
        byte[] one = new byte[stride];
        for (int i = 0; i < FRAMES; i++) {
            int n = producer.encrypt(opus, 0, opus.length, one, 0);
            direct.put(i * stride, one, 0, n);
            heap.put(i * stride, one, 0, n);
            sealedDirect[i] = direct.slice(i * stride, n);
            sealedHeap[i] = heap.slice(i * stride, n);
        }
        newOurDecryptor();
        newLibdaveDecryptor();
    }

    private void newOurDecryptor() {
        ourDecryptor = new FrameDecryptor();
        ourDecryptor.transitionToKeyRatchet(group.javaExporter().senderKeyRatchet(SENDER));
        ourNext = 0;
    }

    private void newLibdaveDecryptor() {
        if (libdaveDecryptor != null) libdaveDecryptor.close();
        libdaveDecryptor = DaveDecryptor.create(SENDER, group.libdaveSession());
        libdaveDecryptor.prepareTransition(1);
        libdaveNext = 0;
    }

    @TearDown
    public void close() {
        if (libdaveEncryptor != null) libdaveEncryptor.close();
        if (libdaveDecryptor != null) libdaveDecryptor.close();
        if (group != null) group.close();
    }

    @Benchmark
    public int encryptOurs() {
        plainDirect.rewind();
        int n = ourEncryptor.encrypt(plainDirect, outDirect.clear());
        if (n < 0) throw new IllegalStateException("encrypt: " + ourEncryptor.lastFailure());
        return n;
    }

    @Benchmark
    public int encryptOursHeap() {
        plainHeap.rewind();
        int n = ourEncryptor.encrypt(plainHeap, outHeap.clear());
        if (n < 0) throw new IllegalStateException("encrypt: " + ourEncryptor.lastFailure());
        return n;
    }

    @Benchmark
    public long encryptLibdave() {
        plainDirect.rewind();
        var result = libdaveEncryptor.encrypt(DaveMediaType.AUDIO, SSRC, plainDirect, outDirect.clear());
        if (result.type() != DaveEncryptor.DaveEncryptResultType.SUCCESS) throw new IllegalStateException("libdave encrypt: " + result);
        return result.bytesWritten();
    }

    @Benchmark
    public int decryptOurs() {
        if (ourNext == FRAMES) newOurDecryptor();
        int n = ourDecryptor.decrypt(sealedDirect[ourNext++].rewind(), openedDirect.clear());
        if (n != FRAME_BYTES) throw new IllegalStateException("decrypt: " + ourDecryptor.lastFailure());
        return n;
    }

    @Benchmark
    public int decryptOursHeap() {
        if (ourNext == FRAMES) newOurDecryptor();
        int n = ourDecryptor.decrypt(sealedHeap[ourNext++].rewind(), openedHeap.clear());
        if (n != FRAME_BYTES) throw new IllegalStateException("decrypt: " + ourDecryptor.lastFailure());
        return n;
    }

    @Benchmark
    public long decryptLibdave() {
        if (libdaveNext == FRAMES) newLibdaveDecryptor();
        var result = libdaveDecryptor.decrypt(DaveMediaType.AUDIO, sealedDirect[libdaveNext++].rewind(), openedDirect.clear());
        if (result.type() != DaveDecryptor.DaveDecryptResultType.SUCCESS || result.bytesWritten() != FRAME_BYTES) {
            throw new IllegalStateException("libdave decrypt: " + result);
        }
        return result.bytesWritten();
    }
}
