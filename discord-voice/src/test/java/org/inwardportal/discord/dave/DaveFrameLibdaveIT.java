package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import club.minnced.discord.jdave.DaveCodec;
import club.minnced.discord.jdave.DaveDecryptor;
import club.minnced.discord.jdave.DaveEncryptor;
import club.minnced.discord.jdave.DaveMediaType;
import club.minnced.discord.jdave.DaveSessionImpl;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.inwardportal.discord.standin.LibdaveGroupOfTwo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our pure-Java frame layer against real libdave (through jdave), both directions, in one MLS
 * group of two members ({@link LibdaveGroupOfTwo}): libdave's session for user
 * {@value LibdaveGroupOfTwo#LIBDAVE_USER} and a BouncyCastle MLS member for user
 * {@value LibdaveGroupOfTwo#JAVA_USER}. libdave needs glibc 2.38: this class runs in a JVM started
 * through Debian 13's loader (scripts/lib/dave/bin/java, the failsafe execution "libdave" of this
 * module); elsewhere it is skipped with the reason, and under scripts/test
 * (INWARD_TEST_REQUIRE_LIBDAVE) it fails instead. Timing is the JMH benchmark's
 * (bench: DaveFrameBenchmark).
 */
class DaveFrameLibdaveIT {
    static final long LIBDAVE_USER = LibdaveGroupOfTwo.LIBDAVE_USER;
    static final long JAVA_USER = LibdaveGroupOfTwo.JAVA_USER;
    static final int SSRC = 0x1234;

    static LibdaveGroupOfTwo group;
    static DaveSessionImpl session;
    static MlsExporter javaExporter;
    static String unavailable;

    @BeforeEach
    void libdaveLoads() {
        assumeTrue(unavailable == null, unavailable);
    }

    @BeforeAll
    static void joinOneGroup() throws Exception {
        String why = LibdaveGroupOfTwo.libdaveUnavailable();
        if (why != null) {
            if (System.getenv("INWARD_TEST_REQUIRE_LIBDAVE") != null) {
                fail("libdave must load here (scripts/test starts this JVM through Debian 13's loader): " + why);
            }
            unavailable = "libdave cannot load in this JVM (" + why + "; it needs glibc >= 2.38); run it as scripts/test does,"
                    + " through Debian 13's loader (scripts/lib/dave-runtime.sh, docs/dave.md)";
            System.err.println("DaveFrameLibdaveIT skipped: " + unavailable);
            return;
        }
        group = LibdaveGroupOfTwo.join();
        session = group.libdaveSession();
        javaExporter = group.javaExporter();
    }

    @AfterAll
    static void close() {
        if (group != null) group.close();
    }

    @Test
    void libdaveEncryptsAndThePureJavaDecryptorOpens() {
        FrameDecryptor ours = new FrameDecryptor();
        ours.transitionToKeyRatchet(javaExporter.senderKeyRatchet(LIBDAVE_USER));
        FrameDecryptor oursDirect = new FrameDecryptor(); // the direct-buffer path, as JDA calls it
        oursDirect.transitionToKeyRatchet(javaExporter.senderKeyRatchet(LIBDAVE_USER));
        ByteBuffer plainDirect = ByteBuffer.allocateDirect(2048);
        FrameDecryptor wrongSender = new FrameDecryptor();
        wrongSender.transitionToKeyRatchet(javaExporter.senderKeyRatchet(JAVA_USER));
        FrameEncryptor sameLayout = new FrameEncryptor();
        sameLayout.setKeyRatchet(javaExporter.senderKeyRatchet(LIBDAVE_USER));
        Random random = new Random(1);
        try (DaveEncryptor libdave = DaveEncryptor.create(session, LIBDAVE_USER)) {
            libdave.assignSsrcToCodec(DaveCodec.OPUS, SSRC);
            libdave.processTransition(1);
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
            ByteBuffer out = ByteBuffer.allocateDirect(4096);
            for (int i = 1; i <= 300; i++) { // past nonce 127, where the ULEB128 nonce takes a second byte
                byte[] opus = opus(random, i == 1 ? 80 : 1 + random.nextInt(1275));
                in.clear().put(opus).flip();
                out.clear();
                var result = libdave.encrypt(DaveMediaType.AUDIO, SSRC, in, out);
                assertThat(result.type()).as("libdave encrypt %d", i).isEqualTo(DaveEncryptor.DaveEncryptResultType.SUCCESS);
                byte[] sealed = new byte[(int) result.bytesWritten()];
                out.get(0, sealed);
                if (i == 1) assertThat(sealed).hasSize(92); // 80 + tag 8 + nonce 1 + size 1 + FA FA
                assertThat(sealed[sealed.length - 1]).isEqualTo((byte) 0xFA);

                byte[] plain = new byte[sealed.length];
                int n = ours.decrypt(sealed, 0, sealed.length, plain, 0);
                assertThat(n).as("frame %d: %s", i, ours.lastFailure()).isEqualTo(opus.length);
                assertThat(Arrays.copyOf(plain, n)).isEqualTo(opus);
                out.limit(sealed.length).position(0);
                assertThat(oursDirect.decrypt(out, plainDirect.clear())).as("frame %d, direct", i).isEqualTo(opus.length);
                assertThat(plainDirect.flip()).isEqualTo(ByteBuffer.wrap(opus));
                assertThat(wrongSender.decrypt(sealed, 0, sealed.length, plain, 0)).isEqualTo(-1);
                assertThat(wrongSender.lastFailure()).isEqualTo(FrameFailure.AUTHENTICATION_FAILED);
                // Same key, same nonce: our encryptor writes exactly libdave's bytes.
                byte[] mine = new byte[sealed.length + 16];
                int m = sameLayout.encrypt(opus, 0, opus.length, mine, 0);
                assertThat(Arrays.copyOf(mine, m)).as("frame %d byte for byte", i).isEqualTo(sealed);
            }
        }
    }

    @Test
    void thePureJavaEncryptorEncryptsAndLibdaveOpens() {
        FrameEncryptor ours = new FrameEncryptor();
        ours.setKeyRatchet(javaExporter.senderKeyRatchet(JAVA_USER));
        Random random = new Random(2);
        try (DaveDecryptor libdave = DaveDecryptor.create(JAVA_USER, session);
             DaveDecryptor libdaveWrongUser = DaveDecryptor.create(LIBDAVE_USER, session)) {
            libdave.prepareTransition(1);
            libdaveWrongUser.prepareTransition(1);
            ByteBuffer in = ByteBuffer.allocateDirect(4096);
            ByteBuffer out = ByteBuffer.allocateDirect(4096);
            for (int i = 1; i <= 300; i++) {
                byte[] opus = opus(random, 1 + random.nextInt(1275));
                byte[] sealed = new byte[FrameEncryptor.maxEncryptedSize(opus.length)];
                int n = ours.encrypt(opus, 0, opus.length, sealed, 0);
                in.clear().put(sealed, 0, n).flip();
                out.clear();
                var result = libdave.decrypt(DaveMediaType.AUDIO, in, out);
                assertThat(result.type()).as("libdave decrypt %d", i).isEqualTo(DaveDecryptor.DaveDecryptResultType.SUCCESS);
                byte[] plain = new byte[(int) result.bytesWritten()];
                out.get(0, plain);
                assertThat(plain).isEqualTo(opus);
                if (i <= 5) { // each refusal is a WARN line from jdave
                    in.clear().put(sealed, 0, n).flip();
                    out.clear();
                    assertThat(libdaveWrongUser.decrypt(DaveMediaType.AUDIO, in, out).type())
                            .isNotEqualTo(DaveDecryptor.DaveDecryptResultType.SUCCESS);
                }
            }
        }
    }

    private static byte[] opus(Random random, int len) {
        byte[] b = new byte[len];
        random.nextBytes(b);
        b[0] = (byte) 0xFC;
        return b;
    }
}
