package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import net.dv8tion.jda.api.audio.dave.DaveSession.MediaType;
import org.inwardportal.discord.dave.DaveFrameFormat;
import org.inwardportal.discord.dave.JavaDaveSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JavaDaveSession's media path as JDA drives it (direct buffers, flipped results): silence before
 * the first key, DAVE frames after, unknown senders refused, and nothing allocated per frame.
 */
class DaveSessionMediaPathTest {
    static final long CHANNEL = 1_300_000_000_000_000_002L;
    static final long A = 1_100_000_000_000_000_011L;
    static final long B = 1_100_000_000_000_000_012L;
    private final StandInDave dave = new StandInDave();

    @AfterEach
    void close() {
        dave.close();
    }

    @Test
    void beforeAKeyFramesBecomeSilenceThenTheyAreEncryptedAndNothingIsAllocatedPerFrame() throws Exception {
        JavaDaveSession lonely = new JavaDaveSession(new NoCallbacks(), A, CHANNEL);
        ByteBuffer opus = ByteBuffer.allocateDirect(200).put(new byte[] {(byte) 0xFC, 1, 2, 3}).flip();
        ByteBuffer out = ByteBuffer.allocateDirect(lonely.getMaxEncryptedFrameSize(MediaType.AUDIO, 4));
        assertThat(lonely.encrypt(MediaType.AUDIO, 1, opus, out)).isTrue();
        byte[] sent = new byte[out.remaining()];
        out.get(sent);
        assertThat(sent).as("no key yet: silence").isEqualTo(DaveFrameFormat.OPUS_SILENCE);
        assertThat(lonely.withheldFrames()).isEqualTo(1);
        assertThat(lonely.decrypt(MediaType.AUDIO, B, ByteBuffer.allocateDirect(20).put(new byte[20]).flip(),
                ByteBuffer.allocateDirect(20))).as("a sender never announced").isFalse();

        dave.memberJoined(CHANNEL, A, List.of());
        dave.userPresence(CHANNEL, B, true);
        dave.memberJoined(CHANNEL, B, List.of(A));
        DaveVoiceGroupTest.await("A and B at epoch 1", () -> dave.memberSession(B) != null && dave.memberSession(A).epoch() == 1
                && dave.memberSession(B).epoch() == 1 && dave.stats(CHANNEL).transitionsExecuted() == 1
                && dave.memberSession(A).sendingEncrypted() && dave.memberSession(B).sendingEncrypted());
        Thread.sleep(50);
        JavaDaveSession a = dave.memberSession(A);
        JavaDaveSession b = dave.memberSession(B);

        byte[] frame = new byte[120];
        frame[0] = (byte) 0xFC;
        ByteBuffer in = ByteBuffer.allocateDirect(200);
        ByteBuffer sealed = ByteBuffer.allocateDirect(a.getMaxEncryptedFrameSize(MediaType.AUDIO, 200));
        ByteBuffer plain = ByteBuffer.allocateDirect(200);
        Runnable round = () -> {
            in.clear().put(frame).flip();
            sealed.clear();
            if (!a.encrypt(MediaType.AUDIO, 1, in, sealed)) throw new AssertionError("encrypt");
            if (sealed.get(sealed.limit() - 1) != (byte) 0xFA) throw new AssertionError("not a DAVE frame");
            plain.clear();
            if (!b.decrypt(MediaType.AUDIO, A, sealed, plain)) throw new AssertionError(b.lastDecryptFailure(A));
            if (plain.remaining() != frame.length || plain.position() != 0) throw new AssertionError("decrypted buffer not flipped");
        };
        long allocated = org.inwardportal.discord.dave.Allocations.leastPerWindow(round, 20_000, 10_000, 10_000);
        // Per frame means at least 16 B x 10 000 = 160 KB in every window; one-off allocations of 0.1-5.9 KB in some
        // windows (not per frame; source not found yet) stay under 1 B a round, and the least window is measured.
        assertThat(allocated).as("bytes allocated by 10 000 DaveSession encryptions and decryptions").isLessThan(10_000);
    }

    private static final class NoCallbacks implements net.dv8tion.jda.api.audio.dave.DaveProtocolCallbacks {
        @Override
        public void sendMLSKeyPackage(ByteBuffer mlsKeyPackage) {}

        @Override
        public void sendDaveProtocolReadyForTransition(int transitionId) {}

        @Override
        public void sendMLSCommitWelcome(ByteBuffer commitWelcomeMessage) {}

        @Override
        public void sendMLSInvalidCommitWelcome(int transitionId) {}
    }
}
