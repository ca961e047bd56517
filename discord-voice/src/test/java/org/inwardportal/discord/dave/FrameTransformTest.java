package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.inwardportal.relay.srtp.AesGcm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FrameEncryptor and FrameDecryptor against each other, on a simulated clock. */
class FrameTransformTest {
    private static final long SECOND = 1_000_000_000L;
    private final long[] now = {5 * SECOND};
    private final Random random = new Random(7);
    private byte[] base;

    @BeforeEach
    void baseSecret() {
        base = new byte[16];
        random.nextBytes(base);
    }

    private FrameEncryptor encryptor(byte[] secret) {
        FrameEncryptor e = new FrameEncryptor();
        e.setKeyRatchet(new SenderKeyRatchet(secret));
        return e;
    }

    private FrameDecryptor decryptor(byte[] secret) {
        FrameDecryptor d = new FrameDecryptor(() -> now[0], 4096);
        d.transitionToKeyRatchet(new SenderKeyRatchet(secret));
        return d;
    }

    private byte[] opus(int len) {
        byte[] f = new byte[len];
        random.nextBytes(f);
        f[0] = (byte) 0xFC; // a CELT fullband 20 ms TOC byte
        return f;
    }

    private static byte[] encrypt(FrameEncryptor e, byte[] frame) {
        byte[] out = new byte[FrameEncryptor.maxEncryptedSize(frame.length)];
        int n = e.encrypt(frame, 0, frame.length, out, 0);
        assertThat(n).as("encrypt: %s", e.lastFailure()).isPositive();
        return Arrays.copyOf(out, n);
    }

    /** The decrypted frame, or null with the decryptor's failure. */
    private static byte[] decrypt(FrameDecryptor d, byte[] frame) {
        byte[] out = new byte[frame.length];
        int n = d.decrypt(frame, 0, frame.length, out, 0);
        return n < 0 ? null : Arrays.copyOf(out, n);
    }

    @Test
    void roundTripAndTheFrameLayout() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        for (int i = 1; i <= 300; i++) {
            byte[] frame = opus(1 + random.nextInt(1275));
            byte[] sealed = encrypt(e, frame);
            int nonceBytes = Uleb128.size(i);
            assertThat(sealed).hasSize(frame.length + 8 + nonceBytes + 1 + 2);
            assertThat(sealed[sealed.length - 1]).isEqualTo((byte) 0xFA);
            assertThat(sealed[sealed.length - 2]).isEqualTo((byte) 0xFA);
            assertThat(sealed[sealed.length - 3] & 0xff).isEqualTo(8 + nonceBytes + 1 + 2);
            assertThat(new Uleb128.Reader().reset(sealed, frame.length + 8, sealed.length - 3).next()).as("nonce").isEqualTo(i);
            assertThat(Arrays.copyOf(sealed, frame.length)).isNotEqualTo(frame);
            assertThat(decrypt(d, sealed)).as("frame %d: %s", i, d.lastFailure()).isEqualTo(frame);
        }
    }

    @Test
    void inPlaceAndThroughDirectBuffers() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        byte[] frame = opus(160);
        byte[] buf = Arrays.copyOf(frame, 200);
        int n = e.encrypt(buf, 0, 160, buf, 0);
        assertThat(d.decrypt(buf, 0, n, buf, 0)).isEqualTo(160);
        assertThat(Arrays.copyOf(buf, 160)).isEqualTo(frame);

        ByteBuffer in = ByteBuffer.allocateDirect(160).put(frame).flip();
        ByteBuffer sealed = ByteBuffer.allocateDirect(200);
        assertThat(e.encrypt(in, sealed)).isPositive();
        assertThat(in.hasRemaining()).isFalse();
        sealed.flip();
        ByteBuffer plain = ByteBuffer.allocate(200);
        assertThat(d.decrypt(sealed, plain)).isEqualTo(160);
        assertThat(Arrays.copyOf(plain.array(), plain.position())).isEqualTo(frame);
        ByteBuffer tooSmall = ByteBuffer.allocate(200).limit(100);
        assertThat(e.encrypt(ByteBuffer.wrap(frame), tooSmall)).isEqualTo(-1);
        assertThat(e.lastFailure()).isEqualTo(FrameFailure.OUTPUT_TOO_SMALL);
    }

    @Test
    void aWrongKeyFails() {
        byte[] other = base.clone();
        other[0] ^= 1;
        byte[] sealed = encrypt(encryptor(base), opus(100));
        FrameDecryptor d = decryptor(other);
        assertThat(decrypt(d, sealed)).isNull();
        assertThat(d.lastFailure()).isEqualTo(FrameFailure.AUTHENTICATION_FAILED);
        FrameDecryptor none = new FrameDecryptor(() -> now[0], 4096);
        assertThat(decrypt(none, sealed)).isNull();
        assertThat(none.lastFailure()).isEqualTo(FrameFailure.MISSING_KEY_RATCHET);
        FrameEncryptor noKey = new FrameEncryptor();
        assertThat(noKey.encrypt(new byte[10], 0, 10, new byte[40], 0)).isEqualTo(-1);
        assertThat(noKey.lastFailure()).isEqualTo(FrameFailure.MISSING_KEY_RATCHET);
    }

    @Test
    void anyChangedBitOfCiphertextOrTagFails() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        byte[] frame = opus(40);
        byte[] sealed = encrypt(e, frame);
        for (int i = 0; i < 40 + 8; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= (byte) (1 << random.nextInt(8));
            assertThat(decrypt(d, bad)).as("byte %d changed", i).isNull();
            assertThat(d.lastFailure()).isEqualTo(FrameFailure.AUTHENTICATION_FAILED);
        }
        // A changed nonce is another nonce: the tag does not verify either.
        byte[] otherNonce = sealed.clone();
        otherNonce[48] ^= 2;
        assertThat(decrypt(d, otherNonce)).isNull();
        assertThat(decrypt(d, sealed)).as("the untouched frame still decrypts").isEqualTo(frame);
    }

    @Test
    void aNonceDecryptsOnceButFramesMayArriveOutOfOrder() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        byte[][] sealed = new byte[7][];
        byte[][] frames = new byte[7][];
        for (int i = 0; i < 7; i++) sealed[i] = encrypt(e, frames[i] = opus(50));
        for (int i : new int[] {0, 3, 1, 5, 2, 4}) assertThat(decrypt(d, sealed[i])).as("frame %d", i).isEqualTo(frames[i]);
        assertThat(decrypt(d, sealed[2])).isNull();
        assertThat(d.lastFailure()).isEqualTo(FrameFailure.REPLAYED_NONCE);
        // Frame 6 (nonce 7) was never decrypted, but once the sender is 5000 frames further it is too old to tell.
        e.continueAfterNonce(5000);
        assertThat(decrypt(d, encrypt(e, opus(50)))).isNotNull();
        assertThat(decrypt(d, sealed[6])).isNull();
        assertThat(d.lastFailure()).isEqualTo(FrameFailure.REPLAYED_NONCE);
        assertThat(decrypt(decryptor(base), sealed[6])).as("a fresh decryptor takes it").isEqualTo(frames[6]);
    }

    @Test
    void generationsFollowTheNoncesTopByteAndKeepCountingAcrossTheWrap() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        // Walk the sender through every generation (one frame each) and over the 32-bit wrap.
        for (long g = 0; g <= 257; g++) {
            e.continueAfterNonce((int) ((g << 24) - 1 + (g == 0 ? 1 : 0)));
            now[0] += 100_000 * SECOND; // a ratchet reaches generation g only after g * 2^24 / 170 s
            byte[] frame = opus(20);
            byte[] sealed = encrypt(e, frame);
            int nonce = (int) new Uleb128.Reader().reset(sealed, 28, sealed.length - 3).next();
            assertThat(nonce >>> 24).isEqualTo((int) (g & 0xff));
            assertThat(decrypt(d, sealed)).as("generation %d: %s", g, d.lastFailure()).isEqualTo(frame);
        }
        // A frame of generation 1 from before the wrap is now read as generation 257, whose key differs: refused.
        FrameEncryptor early = encryptor(base);
        early.continueAfterNonce((1 << 24) + 5);
        assertThat(decrypt(d, encrypt(early, opus(20)))).isNull();
    }

    @Test
    void aGenerationTooFarAheadOrBeyondTheRatchetsLifetimeIsRefused() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        e.continueAfterNonce((3 << 24) - 1);
        assertThat(decrypt(d, encrypt(e, opus(20)))).isNull();
        assertThat(d.lastFailure()).isEqualTo(FrameFailure.GENERATION_UNAVAILABLE);
        now[0] += 3 * 98_700 * SECOND;
        e.continueAfterNonce((3 << 24) + 1);
        assertThat(decrypt(d, encrypt(e, opus(20)))).as("after long enough, it may have got there").isNotNull();
    }

    @Test
    void aPreviousGenerationIsKeptForTenSecondsAfterANewerOneDecrypts() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        // The last frames of generation 0 (nonces up to 0xFFFFFF), then generation 1 begins.
        e.continueAfterNonce(0xFF_FFFF - 4);
        assertThat(decrypt(d, encrypt(e, opus(30)))).as("generation 0").isNotNull();
        byte[] late0 = encrypt(e, opus(30));
        byte[] later0 = encrypt(e, opus(30));
        byte[] latest0 = encrypt(e, opus(30));
        now[0] += 100_000 * SECOND;
        e.continueAfterNonce((1 << 24) - 1);
        assertThat(decrypt(d, encrypt(e, opus(30)))).as("generation 1").isNotNull();
        now[0] += 9 * SECOND;
        assertThat(decrypt(d, late0)).as("generation 0, 9 s later").isNotNull();
        now[0] += 2 * SECOND;
        assertThat(decrypt(d, later0)).as("generation 0, 11 s later").isNull();
        assertThat(d.lastFailure()).isEqualTo(FrameFailure.GENERATION_UNAVAILABLE);
        assertThat(decrypt(d, latest0)).isNull();
    }

    @Test
    void aPreviousEpochsKeysAreKeptForTheGracePeriodThenWiped() {
        byte[] next = new byte[16];
        random.nextBytes(next);
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        byte[] inFlight1 = encrypt(e, opus(60));
        byte[] inFlight2 = encrypt(e, opus(60));
        d.transitionToKeyRatchet(new SenderKeyRatchet(next));
        e.setKeyRatchet(new SenderKeyRatchet(next));
        byte[] frame = opus(60);
        assertThat(decrypt(d, encrypt(e, frame))).as("new epoch").isEqualTo(frame);
        assertThat(d.epochs()).isEqualTo(2);
        now[0] += 9 * SECOND;
        assertThat(decrypt(d, inFlight1)).as("previous epoch, 9 s after the transition").isNotNull();
        now[0] += 2 * SECOND;
        assertThat(decrypt(d, inFlight2)).as("previous epoch, 11 s after").isNull();
        assertThat(d.epochs()).isEqualTo(1);
    }

    @Test
    void silenceAlwaysPassesOtherFramesOnlyInPassthrough() {
        FrameDecryptor d = decryptor(base);
        byte[] silence = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};
        assertThat(decrypt(d, silence)).isEqualTo(silence);
        byte[] plain = opus(50);
        assertThat(decrypt(d, plain)).isNull();
        assertThat(d.lastFailure()).isEqualTo(FrameFailure.NOT_A_PROTOCOL_FRAME);
        assertThat(d.lastTrailerCheck()).isEqualTo(TrailerCheck.NO_MAGIC_MARKER);
        d.transitionToPassthrough(true);
        assertThat(decrypt(d, plain)).isEqualTo(plain);
        d.transitionToPassthrough(false); // upgrade: unencrypted frames still pass for ten seconds
        now[0] += 9 * SECOND;
        assertThat(decrypt(d, plain)).isEqualTo(plain);
        now[0] += 2 * SECOND;
        assertThat(decrypt(d, plain)).isNull();
        // Passthrough never lets a protocol frame through undecrypted.
        d.transitionToPassthrough(true);
        byte[] other = base.clone();
        other[3] ^= 1;
        assertThat(decrypt(d, encrypt(encryptor(other), opus(50)))).isNull();
        assertThat(d.lastFailure()).isEqualTo(FrameFailure.AUTHENTICATION_FAILED);
        FrameEncryptor e = encryptor(base);
        e.setPassthrough(true);
        assertThat(encrypt(e, plain)).isEqualTo(plain);
    }

    @Test
    void framesWithUnencryptedRangesDecrypt() {
        // libdave's VP8 handling leaves the first bytes clear; build such a frame by hand:
        // ranges (0,1) and (5,3) of a 12-byte frame, the clear bytes as additional data.
        byte[] frame = new byte[12];
        random.nextBytes(frame);
        byte[] key = new byte[16];
        new SenderKeyRatchet(base).key(0, key, 0);
        byte[] aad = {frame[0], frame[5], frame[6], frame[7]};
        byte[] cipher = new byte[8 + 8];
        System.arraycopy(frame, 1, cipher, 0, 4);
        System.arraycopy(frame, 8, cipher, 4, 4);
        byte[] nonce = new byte[12];
        DaveFrameFormat.expandNonce(7, nonce);
        new AesGcm(key).seal(nonce, aad, 0, aad.length, cipher, 0, 8, 8);
        byte[] sealed = new byte[12 + 8 + 1 + 4 + 1 + 2];
        sealed[0] = frame[0];
        System.arraycopy(cipher, 0, sealed, 1, 4);
        System.arraycopy(frame, 5, sealed, 5, 3);
        System.arraycopy(cipher, 4, sealed, 8, 4);
        System.arraycopy(cipher, 8, sealed, 12, 8);
        int p = 20;
        sealed[p++] = 7;
        sealed[p++] = 0;
        sealed[p++] = 1;
        sealed[p++] = 5;
        sealed[p++] = 3;
        sealed[p++] = (byte) (8 + 1 + 4 + 1 + 2);
        sealed[p++] = (byte) 0xFA;
        sealed[p] = (byte) 0xFA;
        FrameDecryptor d = decryptor(base);
        assertThat(decrypt(d, sealed.clone())).as("%s", d.lastFailure()).isEqualTo(frame);
        byte[] changedClear = sealed.clone();
        changedClear[6] ^= 1; // a byte of an unencrypted range is authenticated too
        assertThat(decrypt(decryptor(base), changedClear)).isNull();
    }

    @Test
    void garbageIntoTheDecryptorNeverThrows() {
        FrameDecryptor d = decryptor(base);
        byte[] b = new byte[400];
        byte[] out = new byte[400];
        for (int i = 0; i < 100_000; i++) {
            int len = random.nextInt(b.length);
            random.nextBytes(b);
            if (len > 12 && random.nextBoolean()) {
                b[len - 1] = (byte) 0xFA;
                b[len - 2] = (byte) 0xFA;
                b[len - 3] = (byte) (12 + random.nextInt(Math.min(len, 255) - 11));
            }
            int n = d.decrypt(b, 0, len, out, 0);
            assertThat(n).isEqualTo(-1);
            assertThat(d.lastFailure()).isNotEqualTo(FrameFailure.NONE);
        }
    }

    @Test
    void nothingIsAllocatedPerFrame() {
        FrameEncryptor e = encryptor(base);
        FrameDecryptor d = decryptor(base);
        byte[] frame = opus(120);
        byte[] sealed = new byte[200];
        byte[] plain = new byte[200];
        ByteBuffer directIn = ByteBuffer.allocateDirect(200);
        ByteBuffer directOut = ByteBuffer.allocateDirect(200);
        Runnable round = () -> {
            int n = e.encrypt(frame, 0, frame.length, sealed, 0);
            if (d.decrypt(sealed, 0, n, plain, 0) != frame.length) throw new AssertionError(d.lastFailure());
            directIn.clear().put(frame).flip();
            directOut.clear();
            e.encrypt(directIn, directOut);
            directOut.flip();
            directIn.clear();
            if (d.decrypt(directOut, directIn) != frame.length) throw new AssertionError(d.lastFailure());
        };
        long allocated = Allocations.leastPerWindow(round, 20_000, 10_000, 2_000);
        assertThat(allocated).as("bytes allocated by 20 000 encryptions and decryptions").isLessThan(2_000);
    }
}
