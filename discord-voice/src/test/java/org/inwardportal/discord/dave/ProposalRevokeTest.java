package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.ExternalSender;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.junit.jupiter.api.Test;

/**
 * Malformed op-27 revokes (whitepaper "dave_mls_proposals (27)": {@code ProposalRef
 * proposal_refs<V>}) are refused with a clear reason and change nothing. Revokes that work are
 * shown end to end in {@code DaveCallScenarios.aRevokedAddIsDroppedAndTheNextCommitLeavesItOut}.
 */
class ProposalRevokeTest {
    @Test
    void bcmlsProposalCacheIsReachable() {
        assertThat(ProposalCache.unavailable()).isNull();
    }

    @Test
    void malformedRevokesAreRefusedByName() throws Exception {
        DaveMlsMember member = withLocalGroup();
        assertRefused(member, new byte[] {1}, "revoke: bad vector length");
        assertRefused(member, new byte[] {1, 0}, "no references in a revoke");
        assertRefused(member, new byte[] {1, 3, 32, 1, 2}, "revoke: reference overruns the vector");
        assertRefused(member, new byte[] {1, 4, 1, 9}, "revoke: vector length does not match the message");
        assertRefused(member, new byte[] {1, 1, 0}, "revoke: empty reference");
        byte[] unknown = new byte[2 + 1 + 32];
        unknown[0] = 1;
        unknown[1] = 33;
        unknown[2] = 32;
        assertRefused(member, unknown, "revoke of a proposal that is not cached");
        assertRefused(member, new byte[] {2, 0}, "unknown proposals operation 2");
        assertThat(ProposalCache.size(groupOf(member))).isZero();
    }

    @Test
    void aRevokeBeforeTheLocalGroupExistsIsIgnored() throws Exception {
        DaveMlsMember member = new DaveMlsMember(7);
        member.reset(1, 42);
        assertThat(member.processProposals(new byte[] {1, 0}, Set.of(7L))).isNull();
    }

    private static void assertRefused(DaveMlsMember member, byte[] payload, String why) {
        assertThatThrownBy(() -> member.processProposals(payload, Set.of(7L)))
                .isInstanceOf(DaveProtocolException.class).hasMessageContaining(why);
    }

    private static DaveMlsMember withLocalGroup() throws Exception {
        DaveMlsMember member = new DaveMlsMember(7);
        member.reset(1, 42);
        MlsCipherSuite suite = MlsCipherSuite.getSuite(DaveMlsMember.CIPHER_SUITE);
        AsymmetricCipherKeyPair gateway = suite.generateSignatureKeyPair();
        member.setExternalSender(MLSOutputStream.encode(new ExternalSender(
                suite.serializeSignaturePublicKey(gateway.getPublic()), Credential.forBasic(MlsWire.identity(0)))));
        return member;
    }

    private static org.bouncycastle.mls.protocol.Group groupOf(DaveMlsMember member) throws Exception {
        var field = DaveMlsMember.class.getDeclaredField("group");
        field.setAccessible(true);
        return (org.bouncycastle.mls.protocol.Group) field.get(member);
    }
}
