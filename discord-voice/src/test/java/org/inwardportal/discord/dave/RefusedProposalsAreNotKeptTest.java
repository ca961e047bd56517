package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.ExternalSender;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.junit.jupiter.api.Test;

/**
 * Proposals a member cannot commit are refused and not kept: bcmls caches a proposal when it
 * handles it, so before, one that made the commit fail (here a Remove that leaves the committer
 * alone: IndexOutOfBoundsException in bcmls, as in the op-31 failure of the libdave scenario)
 * stayed in the cache and went into, and broke, every later commit of the epoch.
 */
class RefusedProposalsAreNotKeptTest {
    static final long GROUP = 42;
    static final long ME = 7;
    static final long OTHER = 8;
    static final long NEWCOMER = 9;
    static final Set<Long> IN_CALL = Set.of(ME, OTHER, NEWCOMER);

    private final MlsCipherSuite suite;
    private final AsymmetricCipherKeyPair gateway;

    RefusedProposalsAreNotKeptTest() throws Exception {
        suite = MlsCipherSuite.getSuite(DaveMlsMember.CIPHER_SUITE);
        gateway = suite.generateSignatureKeyPair();
    }

    @Test
    void aProposalWhoseCommitFailsLeavesTheCacheAsItWas() throws Exception {
        DaveMlsMember me = new DaveMlsMember(ME);
        me.reset(1, GROUP);
        me.setExternalSender(MLSOutputStream.encode(new ExternalSender(
                suite.serializeSignaturePublicKey(gateway.getPublic()), Credential.forBasic(MlsWire.identity(0)))));
        // Epoch 1: us and OTHER (our own commit of the gateway's Add).
        byte[] out = me.processProposals(append(add(OTHER, 0)), IN_CALL);
        assertThat(me.processCommit(commitOf(out), new StringBuilder())).isEqualTo(CommitOutcome.APPLIED);
        assertThat(me.members()).containsExactlyInAnyOrder(ME, OTHER);

        assertThatThrownBy(() -> me.processProposals(append(remove(1, 1)), IN_CALL))
                .isInstanceOf(DaveProtocolException.class).hasMessageContaining("cannot commit the proposals");

        byte[] next = me.processProposals(append(add(NEWCOMER, 1)), IN_CALL);
        MLSMessage commit;
        synchronized (MlsLock.LOCK) {
            commit = (MLSMessage) new MLSInputStream(next).read(MLSMessage.class);
        }
        assertThat(DaveMlsMember.publicContent(commit, "commit").getCommit().getProposals())
                .as("the next commit references only the newcomer's Add").hasSize(1);
        assertThat(me.processCommit(commitOf(next), new StringBuilder())).isEqualTo(CommitOutcome.APPLIED);
        assertThat(me.members()).containsExactlyInAnyOrder(ME, OTHER, NEWCOMER);
    }

    private byte[] add(long user, long epoch) throws Exception {
        DaveMlsMember joiner = new DaveMlsMember(user);
        joiner.reset(1, GROUP);
        KeyPackage kp;
        synchronized (MlsLock.LOCK) {
            kp = (KeyPackage) MLSInputStream.decode(joiner.keyPackageMessage(), KeyPackage.class);
        }
        return external(Proposal.add(kp), epoch);
    }

    private byte[] remove(int leaf, long epoch) throws Exception {
        return external(Proposal.remove(new LeafIndex(leaf)), epoch);
    }

    private byte[] external(Proposal proposal, long epoch) throws Exception {
        synchronized (MlsLock.LOCK) {
            return MLSOutputStream.encode(MLSMessage.externalProposal(suite, MlsWire.identity(GROUP), epoch, proposal, 0,
                    suite.serializeSignaturePrivateKey(gateway.getPrivate())));
        }
    }

    /** Op 27, append: {@code [0][varint length][MLSMessage…]}. */
    private static byte[] append(byte[]... messages) {
        ByteArrayOutputStream vector = new ByteArrayOutputStream();
        for (byte[] m : messages) vector.writeBytes(m);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        MlsWire.writeVarint(out, vector.size());
        out.writeBytes(vector.toByteArray());
        return out.toByteArray();
    }

    /** The commit MLSMessage at the start of an op-28 payload (a Welcome may follow). */
    private static byte[] commitOf(byte[] commitWelcome) throws Exception {
        synchronized (MlsLock.LOCK) {
            MLSMessage m = (MLSMessage) new MLSInputStream(commitWelcome).read(MLSMessage.class);
            byte[] commit = MLSOutputStream.encode(m);
            assertThat(Arrays.copyOf(commitWelcome, commit.length)).isEqualTo(commit);
            return commit;
        }
    }
}
