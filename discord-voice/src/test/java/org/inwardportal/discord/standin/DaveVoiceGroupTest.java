package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.inwardportal.discord.dave.JavaDaveSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's voice gateway (DAVE external sender on BouncyCastle MLS) with pure-Java sessions
 * as members, in process: group creation, joins and leaves (new epochs), sole member reset,
 * garbage, and frames between members through it all.
 */
class DaveVoiceGroupTest {
    static final long CHANNEL = 1_300_000_000_000_000_001L;
    static final long A = 1_100_000_000_000_000_001L;
    static final long B = 1_100_000_000_000_000_002L;
    static final long C = 1_100_000_000_000_000_003L;
    private final StandInDave dave = new StandInDave();

    @AfterEach
    void close() {
        dave.close();
    }

    private void join(long member, Long... present) {
        for (long p : present) dave.userPresence(CHANNEL, member, true);
        dave.memberJoined(CHANNEL, member, List.of(present));
    }

    private void leave(long member) {
        dave.memberLeft(CHANNEL, member);
        dave.userPresence(CHANNEL, member, false);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    private JavaDaveSession s(long m) {
        return dave.memberSession(m);
    }

    private void assertHearEachOther(long from, long to) {
        byte[] opus = new byte[60 + new Random().nextInt(200)];
        new Random(from ^ to).nextBytes(opus);
        opus[0] = (byte) 0xFC;
        byte[] sealed = dave.encryptFromMember(from, opus);
        assertThat(sealed).isNotNull();
        assertThat(sealed[sealed.length - 1]).isEqualTo((byte) 0xFA);
        assertThat(sealed[sealed.length - 2]).isEqualTo((byte) 0xFA);
        assertThat(dave.decryptForMember(to, from, sealed)).as("%d hears %d", to, from).isEqualTo(opus);
    }

    @Test
    void membersFormAGroupJoinLeaveAndResetAndFramesDecryptAcrossEpochs() throws Exception {
        join(A);
        await("A alone uses its local group", () -> s(A) != null && s(A).sendingEncrypted());
        assertThat(s(A).epoch()).isZero();

        join(B, A);
        await("A and B at epoch 1", () -> s(B) != null && s(A).epoch() == 1 && s(B).epoch() == 1
                && s(B).sendingEncrypted() && dave.stats(CHANNEL).transitionsExecuted() == 1);
        assertThat(s(A).epochAuthenticator()).isEqualTo(s(B).epochAuthenticator());
        assertThat(s(A).groupMembers()).containsExactlyInAnyOrder(A, B);
        assertHearEachOther(A, B);
        assertHearEachOther(B, A);

        join(C, A, B);
        await("epoch 2 with C", () -> s(C) != null && s(C).epoch() == 2 && s(A).epoch() == 2 && s(B).epoch() == 2
                && dave.stats(CHANNEL).transitionsExecuted() == 2);
        assertThat(s(C).epochAuthenticator()).isEqualTo(s(A).epochAuthenticator()).isEqualTo(s(B).epochAuthenticator());
        assertHearEachOther(A, C);
        assertHearEachOther(C, B);

        byte[] aBefore = dave.encryptFromMember(A, new byte[] {(byte) 0xFC, 1, 2, 3});
        leave(A);
        await("epoch 3 without A", () -> s(B).epoch() == 3 && s(C).epoch() == 3 && dave.stats(CHANNEL).transitionsExecuted() == 3);
        assertThat(s(B).groupMembers()).containsExactlyInAnyOrder(B, C);
        assertHearEachOther(B, C);
        assertHearEachOther(C, B);
        assertThat(dave.decryptForMember(B, A, aBefore)).as("A is no longer a sender B knows").isNull();

        leave(B);
        await("C alone: sole member reset, local group", () -> s(C).epoch() == 0 && s(C).sendingEncrypted());
        assertThat(dave.stats(CHANNEL).soleMemberResets()).isEqualTo(1);
        assertThat(dave.stats(CHANNEL).established()).isFalse();

        join(A, C);
        await("a new group of A and C", () -> s(A) != null && s(A).epoch() == 1 && s(C).epoch() == 1
                && dave.stats(CHANNEL).transitionsExecuted() == 4);
        assertHearEachOther(A, C);
        assertHearEachOther(C, A);
    }

    @Test
    void garbageFromTheGatewayIsRefusedAndChangesNothing() throws Exception {
        join(A);
        join(B, A);
        await("epoch 1", () -> s(B) != null && s(A).epoch() == 1 && s(B).epoch() == 1
                && dave.stats(CHANNEL).transitionsExecuted() == 1);
        byte[] auth = s(A).epochAuthenticator();
        Random random = new Random(7);
        JavaDaveSession a = s(A);
        for (int i = 0; i < 60; i++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            if (i % 3 == 0 && junk.length > 0) junk[0] = 0; // looks like an append
            dave.call(() -> {
                a.onMLSProposals(ByteBuffer.wrap(junk));
                a.onDaveProtocolMLSExternalSenderPackage(ByteBuffer.wrap(junk));
                return null;
            });
        }
        assertThat(a.refusedMessages()).isGreaterThanOrEqualTo(60);
        assertThat(a.epoch()).isEqualTo(1);
        assertThat(a.epochAuthenticator()).isEqualTo(auth);

        // The epoch-1 commit announced again, once we are at epoch 1: ignored, not reported, nothing lost.
        long committer = dave.lastCommitTo(A) != null ? A : B;
        byte[] stale = dave.lastCommitTo(committer);
        assertThat(stale).isNotNull();
        JavaDaveSession c = s(committer);
        long refusedBefore = c.refusedMessages();
        dave.call(() -> {
            c.onMLSPrepareCommitTransition(77, ByteBuffer.wrap(stale));
            return null;
        });
        Thread.sleep(50);
        assertThat(c.epoch()).isEqualTo(1);
        assertThat(c.refusedMessages()).isEqualTo(refusedBefore);
        assertThat(dave.stats(CHANNEL).invalidReports()).isZero();
        assertHearEachOther(A, B);
        assertHearEachOther(B, A);
    }

    @Test
    void aMemberThatCannotProcessItsWelcomeReportsItAndIsRemovedAndReAdded() throws Exception {
        join(A);
        join(B, A);
        await("epoch 1", () -> s(B) != null && s(A).epoch() == 1 && s(B).epoch() == 1
                && dave.stats(CHANNEL).transitionsExecuted() == 1);
        dave.corruptNextHandshakeFor(CHANNEL, C);
        join(C, A, B);
        await("C reported its welcome and is back in the group", () -> s(C) != null && dave.stats(CHANNEL).invalidReports() == 1
                && s(C).epoch() > 2 && s(C).epoch() == s(A).epoch() && s(B).epoch() == s(A).epoch() && s(C).sendingEncrypted()
                && dave.stats(CHANNEL).transitionsExecuted() >= 4);
        assertThat(s(C).refusedMessages()).isEqualTo(1);
        assertThat(s(C).groupMembers()).containsExactlyInAnyOrder(A, B, C);
        assertThat(dave.stats(CHANNEL).leaves()).containsExactlyInAnyOrder(A, B, C);
        Thread.sleep(50); // the last execute reaches everyone
        assertHearEachOther(A, C);
        assertHearEachOther(C, B);
    }

    /**
     * What jdave 0.1.5 does after op 31: a key package that is already dead (libdave dropped its
     * keys) and then the live one. Alone with A, B's report re-creates the group; only A may commit,
     * so B's dead key package would be committed if the gateway kept it: one Add per participant,
     * the newer key package revokes the older's Add. Before, A got both Adds of B and could not
     * commit them (IndexOutOfBoundsException in bcmls), and the group never formed.
     */
    @Test
    void aKeyPackageSupersededByANewerOneIsNeverCommitted() throws Exception {
        join(A);
        await("A alone uses its local group", () -> s(A) != null && s(A).sendingEncrypted());
        dave.commitsOnlyFrom(CHANNEL, A);
        dave.corruptNextHandshakeFor(CHANNEL, B);
        dave.deadKeyPackageAfterReportFrom(CHANNEL, B);
        join(B, A);
        await("B reported its welcome and A and B formed the group again", () -> s(B) != null
                && dave.stats(CHANNEL).invalidReports() == 1 && dave.stats(CHANNEL).established()
                && s(A).epoch() == 1 && s(B).epoch() == 1 && s(B).sendingEncrypted()
                && dave.stats(CHANNEL).transitionsExecuted() >= 2);
        assertThat(s(A).epochAuthenticator()).isEqualTo(s(B).epochAuthenticator());
        assertThat(s(A).groupMembers()).containsExactlyInAnyOrder(A, B);
        assertThat(s(A).refusedMessages()).as("A refused nothing").isZero();
        assertThat(s(B).refusedMessages()).as("B refused only the corrupted welcome").isEqualTo(1);
        Thread.sleep(50); // the last execute reaches everyone
        assertHearEachOther(A, B);
        assertHearEachOther(B, A);
        assertThat(dave.stats(CHANNEL).invalidReports()).isEqualTo(1);
    }

    /**
     * A member sends a new key package while in the tree (it reset; in the libdave run the live key
     * package came after a commit had taken the dead one): alone with A, a Remove of B would leave A
     * committing a group of one, which bcmls cannot do (IndexOutOfBoundsException in Group.commit,
     * the "proposals refused" of that run); the group is re-created instead and B re-added.
     */
    @Test
    void aNewKeyPackageFromTheOtherOfTwoMembersReCreatesTheGroup() throws Exception {
        join(A);
        join(B, A);
        await("epoch 1", () -> s(B) != null && s(A).epoch() == 1 && s(B).epoch() == 1
                && dave.stats(CHANNEL).transitionsExecuted() == 1);
        JavaDaveSession b = s(B);
        dave.call(() -> {
            b.onDaveProtocolPrepareEpoch(1, 1); // B resets and sends a new key package, still in the gateway's tree
            return null;
        });
        await("A and B in a new group", () -> dave.stats(CHANNEL).established() && s(A).epoch() == 1 && s(B).epoch() == 1
                && dave.stats(CHANNEL).transitionsExecuted() == 2 && s(B).sendingEncrypted());
        assertThat(s(A).epochAuthenticator()).isEqualTo(s(B).epochAuthenticator());
        assertThat(s(A).refusedMessages()).as("A refused nothing").isZero();
        assertThat(dave.stats(CHANNEL).invalidReports()).isZero();
        Thread.sleep(50);
        assertHearEachOther(A, B);
        assertHearEachOther(B, A);
    }
}
