package org.inwardportal.discord.standin;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.ExternalSender;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.ProposalOrRef;
import org.bouncycastle.mls.codec.ProposalOrRefType;
import org.bouncycastle.mls.codec.SenderType;
import org.bouncycastle.mls.codec.Welcome;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.inwardportal.discord.dave.DaveMlsMember;
import org.inwardportal.discord.dave.DaveProtocolException;
import org.inwardportal.discord.dave.MlsFraming;
import org.inwardportal.discord.dave.MlsLock;
import org.inwardportal.discord.dave.MlsWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voice gateway's DAVE role for one voice channel (whitepaper "Group Key Exchange"): the MLS
 * delivery service and external sender, on BouncyCastle MLS. Like Discord's, it keeps only the
 * group context it needs (established or not, epoch, who sits in which leaf) and never holds group
 * secrets: it signs Add/Remove proposals, picks the first valid commit of an epoch, relays commit
 * and welcomes, and runs the transitions. Every method runs on the stand-in's DAVE thread.
 */
final class DaveVoiceGroup {
    private static final Logger log = LoggerFactory.getLogger(DaveVoiceGroup.class);
    static final int PROTOCOL_VERSION = 1;
    /** Whitepaper "Commit Handling": execute after every member is ready "or after a timeout". */
    static final long TRANSITION_TIMEOUT_MILLIS = 2000;
    private static final String PROPOSAL_REF_LABEL = "MLS 1.0 Proposal Reference"; // RFC 9420 §5.2

    private final long channelId;
    private final byte[] groupId;
    private final ScheduledExecutorService thread;
    private final MlsCipherSuite suite;
    private final AsymmetricCipherKeyPair signingKey;
    private final byte[] externalSenderPackage;

    private final Map<Long, DaveParticipantLink> participants = new LinkedHashMap<>();
    private final Map<Long, KeyPackage> keyPackages = new LinkedHashMap<>();
    /** Members that reported an unprocessable commit or welcome (op 31): in the tree until removed, but pending. */
    private final Set<Long> recovering = new HashSet<>();
    private final Set<Long> corruptFor = new HashSet<>();
    private final Set<Long> deadKeyPackageAfterReport = new HashSet<>();
    /** Test setting: only this user's commits are taken (while it is a participant and, once established, a member). */
    private Long onlyCommitter;
    private boolean holdCommits;
    /** Leaf index → user (null: blank), as the group's members see the tree. */
    private final List<Long> leaves = new ArrayList<>();
    private boolean established;
    private long epoch;
    /** The unrevoked proposals of this epoch, in the order sent. */
    private final List<PendingProposal> pending = new ArrayList<>();
    private int nextTransitionId = 1;
    private Transition transition;
    private final AtomicLong keyPackagesRefused = new AtomicLong();
    private final AtomicLong commitsAccepted = new AtomicLong();
    private final AtomicLong commitsRefused = new AtomicLong();
    private final AtomicLong invalidReports = new AtomicLong();
    private final AtomicLong transitionsExecuted = new AtomicLong();
    private final AtomicLong soleMemberResets = new AtomicLong();
    private final AtomicLong revokes = new AtomicLong();

    private record PendingProposal(byte[] ref, byte[] message, boolean add, long user, int leaf) {}

    private final class Transition {
        final int id;
        final Set<Long> awaiting;
        /** Those who reported it (op 31): they reset, so they get no execute for it. */
        final Set<Long> reported = new HashSet<>();
        final ScheduledFuture<?> timeout;

        Transition(int id, Set<Long> awaiting) {
            this.id = id;
            this.awaiting = awaiting;
            this.timeout = thread.schedule(() -> execute(this, "timeout"), TRANSITION_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    DaveVoiceGroup(long channelId, ScheduledExecutorService thread) {
        synchronized (MlsLock.LOCK) {
            this.channelId = channelId;
            this.groupId = MlsWire.identity(channelId);
            this.thread = thread;
            try {
                suite = MlsCipherSuite.getSuite(DaveMlsMember.CIPHER_SUITE);
                signingKey = suite.generateSignatureKeyPair();
                externalSenderPackage = MLSOutputStream.encode(new ExternalSender(
                        suite.serializeSignaturePublicKey(signingKey.getPublic()), Credential.forBasic(MlsWire.identity(0))));
            } catch (Exception e) {
                throw new IllegalStateException("cannot set up the external sender", e);
            }
        }
    }

    // ---- participants ----

    /** A participant's voice session speaks DAVE: it gets the external sender (op 25); its key package follows. */
    void join(DaveParticipantLink link) {
        participants.put(link.userId(), link);
        link.externalSender(externalSenderPackage);
    }

    /** A participant disconnected (whitepaper "Member Remove"; "Sole member reset"). */
    void leave(long user) {
        if (participants.remove(user) == null) return;
        keyPackages.remove(user);
        // Its Add, still uncommitted, is revoked rather than committed and then removed (whitepaper "Proposal Handling").
        revokeAddsOf(user);
        int leaf = leaves.indexOf(user);
        if (established && leaf >= 0) takeOut(user, leaf, true);
    }

    /**
     * {@code user}'s leaf no longer holds the group (it left, reported the group invalid, or reset):
     * a Remove for the others to commit, or, when that would leave one member or none holding the
     * group, the group is re-created: the holder gets op 24 epoch 1 ("Sole member reset"; a commit
     * that leaves its committer alone is one bcmls cannot make: IndexOutOfBoundsException).
     */
    private void takeOut(long user, int leaf, boolean left) {
        if (!left) recovering.add(user); // pending again: no proposals or commits for it until a Welcome
        List<Long> holders = leaves.stream()
                .filter(u -> u != null && u != user && !recovering.contains(u) && participants.containsKey(u)).toList();
        if (holders.size() <= 1) {
            log.info("DAVE gateway: {} member(s) left holding the group in channel {}: the group is re-created", holders.size(), channelId);
            resetGroup();
            leaves.clear();
            holders.forEach(u -> {
                if (left) soleMemberResets.incrementAndGet();
                keyPackages.remove(u); // a new one follows op 24
                participants.get(u).prepareEpoch(1, PROTOCOL_VERSION);
            });
            return;
        }
        if (!removalPending(leaf)) propose(List.of(removeProposal(user, leaf)));
    }

    /** Revokes {@code user}'s uncommitted Adds. */
    private void revokeAddsOf(long user) {
        List<PendingProposal> adds = pending.stream().filter(p -> p.add() && p.user() == user).toList();
        if (!adds.isEmpty()) revoke(adds);
    }

    /** Op 26. */
    void keyPackage(long user, byte[] message) {
        DaveParticipantLink link = participants.get(user);
        if (link == null) return;
        KeyPackage kp;
        try {
            kp = validKeyPackage(user, message);
        } catch (Exception | AssertionError e) {
            keyPackagesRefused.incrementAndGet();
            log.warn("DAVE gateway: key package from {} refused: {}", user, e.getMessage());
            return;
        }
        keyPackages.put(user, kp);
        // One key package per participant: a newer one supersedes the older, whose Add, if still uncommitted, is
        // revoked (libdave makes a new key package, and drops the previous one's private keys, every time it is
        // asked for one; jdave 0.1.5 sends two after an op 31, the first already dead).
        revokeAddsOf(user);
        int leaf = leaves.indexOf(user);
        if (established && leaf >= 0) {
            // A member with a new key package has reset ("Member Remove": "about to be re-added with a different key
            // package"): its leaf goes first; the Add follows once the Remove is committed (bcmls cannot commit a
            // Remove and an Add of the same user together), or at once when the group is re-created instead.
            takeOut(user, leaf, false);
            if (established) return;
        }
        if (!established) {
            long others = participants.keySet().stream().filter(u -> u != user && keyPackages.containsKey(u)).count();
            if (others == 0) {
                // Alone: nobody to commit with; the participant uses its local group ("Sole member reset").
                link.prepareTransition(0, PROTOCOL_VERSION);
            }
        }
        propose(List.of(addProposal(user, kp)));
    }

    /** Whitepaper "Key Packages: Validation": a key package, signed, ciphersuite 2, whose credential is the sender's user id. */
    private static KeyPackage validKeyPackage(long user, byte[] message) throws Exception {
        String bad = MlsFraming.keyPackage(message);
        if (bad != null) throw new DaveProtocolException(bad);
        synchronized (MlsLock.LOCK) {
            KeyPackage kp = (KeyPackage) MLSInputStream.decode(message, KeyPackage.class);
            if (!kp.verify()) throw new DaveProtocolException("key package signature does not verify");
            if (kp.getSuite().getSuiteID() != DaveMlsMember.CIPHER_SUITE) throw new DaveProtocolException("wrong ciphersuite");
            long identity = MlsWire.userId(kp.getLeafNode().getCredential().getIdentity());
            if (identity != user) {
                throw new DaveProtocolException("credential is user " + Long.toUnsignedString(identity) + ", not the sender");
            }
            return kp;
        }
    }

    /** Op 23. */
    void ready(long user, int transitionId) {
        Transition t = transition;
        if (t == null || t.id != transitionId) return;
        t.awaiting.remove(user);
        if (t.awaiting.isEmpty()) execute(t, "all ready");
    }

    /** Op 31 (whitepaper "Recovery from Invalid Commit or Welcome"): remove the member; its new key package re-adds it. */
    void invalidCommitWelcome(long user, int transitionId) {
        if (!participants.containsKey(user)) return;
        invalidReports.incrementAndGet();
        log.info("DAVE gateway: user {} could not process transition {}", user, transitionId);
        keyPackages.remove(user);
        revokeAddsOf(user); // it reset: that key package is gone
        Transition t = transition;
        if (t != null && t.id == transitionId) t.reported.add(user);
        if (t != null) {
            t.awaiting.remove(user);
            if (t.awaiting.isEmpty()) execute(t, "all ready");
        }
        int leaf = leaves.indexOf(user);
        // Those who report reset and send new key packages (op 26 follows op 31); the others remove the reporter.
        if (established && leaf >= 0) takeOut(user, leaf, false);
        if (deadKeyPackageAfterReport.remove(user)) {
            keyPackage(user, deadKeyPackage(user));
            catchUp(user);
        }
    }

    /**
     * Fault injection, what jdave 0.1.5 does: right after {@code user}'s next op 31 the gateway also
     * gets a key package from it whose private keys nobody holds (jdave sends the key package libdave
     * has, then re-initialises libdave, which drops it, and sends a new one).
     */
    void deadKeyPackageAfterReportFrom(long user) {
        deadKeyPackageAfterReport.add(user);
    }

    private byte[] deadKeyPackage(long user) {
        DaveMlsMember dead = new DaveMlsMember(user);
        dead.reset(PROTOCOL_VERSION, channelId);
        return dead.keyPackageMessage();
    }

    private boolean removalPending(int leaf) {
        return pending.stream().anyMatch(p -> !p.add() && p.leaf() == leaf);
    }

    /** Test setting: the gateway takes commits from {@code user} only (null: the first of each epoch, from anyone). */
    void commitsOnlyFrom(Long user) {
        onlyCommitter = user;
    }

    /** Fault injection: the next commit or welcome sent to {@code user} has one byte flipped (its signature or ciphertext). */
    void corruptNextHandshakeFor(long user) {
        corruptFor.add(user);
    }

    private byte[] maybeCorrupt(long user, byte[] message) {
        if (!corruptFor.remove(user)) return message;
        byte[] bad = message.clone();
        bad[bad.length - 5] ^= 0x40;
        return bad;
    }

    // ---- proposals ----

    private PendingProposal addProposal(long user, KeyPackage kp) {
        synchronized (MlsLock.LOCK) {
            try {
                return signed(Proposal.add(kp), true, user, -1);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot encode an add proposal", e);
            }
        }
    }

    private PendingProposal removeProposal(long user, int leaf) {
        return signed(Proposal.remove(new LeafIndex(leaf)), false, user, leaf);
    }

    private PendingProposal signed(Proposal proposal, boolean add, long user, int leaf) {
        synchronized (MlsLock.LOCK) {
            try {
                MLSMessage m = MLSMessage.externalProposal(suite, groupId, established ? epoch : 0, proposal, 0,
                        suite.serializeSignaturePrivateKey(signingKey.getPrivate()));
                byte[] bytes = MLSOutputStream.encode(m);
                // RFC 9420 §5.2: ProposalRef = RefHash(label, AuthenticatedContent); for a PublicMessage from an
                // external sender (no membership tag) that is the MLSMessage without its 2-byte version.
                byte[] ref = suite.refHash(Arrays.copyOfRange(bytes, 2, bytes.length), PROPOSAL_REF_LABEL);
                return new PendingProposal(ref, bytes, add, user, leaf);
            } catch (Exception e) {
                throw new IllegalStateException("cannot sign a proposal", e);
            }
        }
    }

    /**
     * Op 27: to the members of an established group; before that (whitepaper "Initial Group
     * Creation"), each pending member gets every Add but its own.
     */
    private void propose(List<PendingProposal> fresh) {
        pending.addAll(fresh);
        sendToHolders(fresh, DaveVoiceGroup::appendMessage);
    }

    /** Op 27 to whoever holds these proposals: the members, or before the group exists the other pending members. */
    private void sendToHolders(List<PendingProposal> proposals, java.util.function.Function<List<PendingProposal>, byte[]> message) {
        for (DaveParticipantLink p : participants.values()) {
            boolean member = leaves.contains(p.userId()) && !recovering.contains(p.userId());
            if (established && !member) continue;
            if (!established && !keyPackages.containsKey(p.userId())) continue;
            List<PendingProposal> send = established ? proposals : proposals.stream().filter(x -> x.user() != p.userId()).toList();
            if (!send.isEmpty()) p.proposals(message.apply(send));
        }
    }

    /** Op 27, revoke: the proposals leave the epoch's pending set and those who got them drop them. */
    private void revoke(List<PendingProposal> gone) {
        pending.removeAll(gone);
        revokes.incrementAndGet();
        sendToHolders(gone, DaveVoiceGroup::revokeMessage);
    }

    /** {@code ProposalRef proposal_refs<V>}, each an {@code opaque<V>}. */
    private static byte[] revokeMessage(List<PendingProposal> proposals) {
        ByteArrayOutputStream vector = new ByteArrayOutputStream();
        for (PendingProposal p : proposals) {
            MlsWire.writeVarint(vector, p.ref().length);
            vector.writeBytes(p.ref());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // revoke
        MlsWire.writeVarint(out, vector.size());
        out.writeBytes(vector.toByteArray());
        return out.toByteArray();
    }

    /** Test setting: while held, the gateway takes no commit, so proposals stay in flight (e.g. to be revoked). */
    void holdCommits(boolean hold) {
        holdCommits = hold;
    }

    /** A pending member that arrives before the group exists gets the Adds already in flight. */
    void catchUp(long user) {
        DaveParticipantLink p = participants.get(user);
        if (established || p == null) return;
        List<PendingProposal> send = pending.stream().filter(x -> x.add() && x.user() != user).toList();
        if (!send.isEmpty()) p.proposals(appendMessage(send));
    }

    private static byte[] appendMessage(List<PendingProposal> proposals) {
        ByteArrayOutputStream vector = new ByteArrayOutputStream();
        for (PendingProposal p : proposals) vector.writeBytes(p.message());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0); // append
        MlsWire.writeVarint(out, vector.size());
        out.writeBytes(vector.toByteArray());
        return out.toByteArray();
    }

    // ---- commits ----

    /** Op 28: the first valid commit of the epoch wins (whitepaper "Commit Ordering", "Voice Gateway Commit Validity"). */
    void commitWelcome(long user, byte[] payload) {
        String problem;
        try {
            problem = acceptCommit(user, payload);
        } catch (Exception | AssertionError e) {
            problem = "does not parse: " + e;
        }
        if (problem != null) {
            commitsRefused.incrementAndGet();
            log.debug("DAVE gateway: commit from {} refused: {}", user, problem);
        }
    }

    private String acceptCommit(long user, byte[] payload) throws Exception {
        if (!participants.containsKey(user)) return "not a participant";
        if (holdCommits) return "commits are held (test setting)";
        String bad = MlsFraming.handshakeHead(payload, 0, groupId, established ? epoch : 0);
        if (bad != null) return bad;
        MLSMessage m;
        byte[] commit;
        FramedContent content;
        synchronized (MlsLock.LOCK) {
            m = (MLSMessage) new MLSInputStream(payload).read(MLSMessage.class);
            commit = MLSOutputStream.encode(m);
            content = DaveMlsMember.publicContent(m, "commit");
        }
        if (!Arrays.equals(commit, Arrays.copyOf(payload, commit.length))) return "commit not in canonical form";
        if (content.getCommit() == null) return "not a commit";
        if (content.getSender().getSenderType() != SenderType.MEMBER) return "sender is not a member";
        if (content.getEpoch() != (established ? epoch : 0)) return "commit for epoch " + content.getEpoch();
        int senderLeaf = content.getSender().getSender().value();
        if (recovering.contains(user)) return "the committer reported the group invalid";
        if (onlyCommitter != null && onlyCommitter != user && participants.containsKey(onlyCommitter)
                && (leaves.contains(onlyCommitter) || !established)) {
            return "only " + onlyCommitter + " may commit (test setting)";
        }
        if (established ? senderLeaf >= leaves.size() || !Long.valueOf(user).equals(leaves.get(senderLeaf)) : senderLeaf != 0) {
            return "sender leaf " + senderLeaf + " is not the committer's";
        }
        // Exactly the unrevoked proposals of the epoch, by reference (before the group exists: all but the committer's own Add).
        List<PendingProposal> expected = pending.stream().filter(p -> established || p.user() != user || !p.add()).toList();
        List<PendingProposal> committed = new ArrayList<>();
        for (ProposalOrRef por : content.getCommit().getProposals()) {
            if (por.getType() != ProposalOrRefType.REFERENCE) return "inline proposal";
            PendingProposal p = expected.stream().filter(x -> Arrays.equals(x.ref(), por.getReference())).findFirst().orElse(null);
            if (p == null || committed.contains(p)) return "references an unknown proposal";
            committed.add(p);
        }
        if (committed.size() != expected.size() || committed.isEmpty()) return "does not reference every proposal";
        boolean adds = committed.stream().anyMatch(PendingProposal::add);
        byte[] welcome = Arrays.copyOfRange(payload, commit.length, payload.length);
        if (adds) {
            if (welcome.length == 0) return "adds members without a welcome";
            synchronized (MlsLock.LOCK) {
                MLSInputStream.decode(welcome, Welcome.class);
            }
        }

        // Accepted: apply to our view of the tree (RFC 9420 §12.3: removes, then adds into the leftmost blank leaf).
        commitsAccepted.incrementAndGet();
        Set<Long> previousMembers = new HashSet<>();
        if (!established) {
            leaves.clear();
            leaves.add(user);
            previousMembers.add(user);
        } else {
            for (Long u : leaves) if (u != null && !recovering.contains(u)) previousMembers.add(u);
        }
        for (PendingProposal p : committed) if (!p.add()) leaves.set(p.leaf(), null);
        List<Long> added = new ArrayList<>();
        for (PendingProposal p : committed) {
            if (!p.add()) continue;
            int blank = leaves.indexOf(null);
            if (blank >= 0) leaves.set(blank, p.user());
            else leaves.add(p.user());
            added.add(p.user());
            recovering.remove(p.user());
            keyPackages.remove(p.user());
        }
        while (!leaves.isEmpty() && leaves.get(leaves.size() - 1) == null) leaves.remove(leaves.size() - 1);
        established = true;
        epoch = content.getEpoch() + 1;
        pending.clear();
        int id = nextTransitionId;
        nextTransitionId = nextTransitionId == 0xFFFF ? 1 : nextTransitionId + 1;
        recovering.removeIf(u -> !leaves.contains(u)); // removed: an ordinary pending member now
        Set<Long> members = new HashSet<>();
        for (Long u : leaves) if (u != null && !recovering.contains(u)) members.add(u);
        if (transition != null) transition.timeout.cancel(false);
        transition = new Transition(id, new HashSet<>(members));
        transition.awaiting.retainAll(participants.keySet());
        for (long u : previousMembers) {
            DaveParticipantLink p = participants.get(u);
            if (p != null && members.contains(u)) p.announceCommit(id, maybeCorrupt(u, commit));
        }
        for (long u : added) {
            DaveParticipantLink p = participants.get(u);
            if (p != null) p.welcome(id, maybeCorrupt(u, welcome));
        }
        log.debug("DAVE gateway: channel {} epoch {} by {}, leaves {}, transition {}", channelId, epoch, user, leaves, id);
        // Participants whose key packages came while this commit was pending are proposed in the new epoch.
        List<PendingProposal> next = new ArrayList<>();
        for (Map.Entry<Long, KeyPackage> e : keyPackages.entrySet()) {
            if (participants.containsKey(e.getKey()) && !leaves.contains(e.getKey())) next.add(addProposal(e.getKey(), e.getValue()));
        }
        for (int leaf = 0; leaf < leaves.size(); leaf++) {
            Long u = leaves.get(leaf);
            if (u != null && (!participants.containsKey(u) || recovering.contains(u))) next.add(removeProposal(u, leaf));
        }
        if (!next.isEmpty()) propose(next);
        return null;
    }

    private void execute(Transition t, String why) {
        if (transition != t) return;
        transition = null;
        t.timeout.cancel(false);
        transitionsExecuted.incrementAndGet();
        log.debug("DAVE gateway: execute transition {} ({})", t.id, why);
        for (Long u : leaves) {
            DaveParticipantLink p = u == null ? null : participants.get(u);
            if (p != null && !t.reported.contains(u)) p.executeTransition(t.id);
        }
    }

    private void resetGroup() {
        recovering.clear();
        established = false;
        epoch = 0;
        pending.clear();
        if (transition != null) transition.timeout.cancel(false);
        transition = null;
    }

    // ---- observation ----

    DaveGroupStats stats() {
        return new DaveGroupStats(established, epoch, List.copyOf(new ArrayList<>(leaves).stream().map(u -> u == null ? 0L : u).toList()),
                keyPackagesRefused.get(), commitsAccepted.get(), commitsRefused.get(), invalidReports.get(), transitionsExecuted.get(), soleMemberResets.get(), revokes.get());
    }
}
