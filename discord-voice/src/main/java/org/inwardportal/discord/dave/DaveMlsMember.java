package org.inwardportal.discord.dave;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.ExtensionType;
import org.bouncycastle.mls.codec.ExternalSender;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.ProposalType;
import org.bouncycastle.mls.codec.SenderType;
import org.bouncycastle.mls.codec.Welcome;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;

/**
 * One DAVE participant's MLS state on BouncyCastle MLS (RFC 9420): its key package, the external
 * sender it was given, its local (pending) group, and the established group it joined or keeps.
 * Knows nothing of transitions or media; {@link JavaDaveSession} drives it. Not thread-safe.
 *
 * <p>Every input is untrusted: a message that cannot be parsed, has the wrong epoch, the wrong
 * sender or a bad signature is refused with a {@link DaveProtocolException} naming why, and the
 * state is left exactly as it was (bcmls applies a commit to a copy of the group).
 */
public final class DaveMlsMember {
    /** Whitepaper "MLS Parameters": DAVE protocol version 1 uses MLS ciphersuite 2. */
    public static final short CIPHER_SUITE = MlsCipherSuite.MLS_128_DHKEMP256_AES128GCM_SHA256_P256;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final long selfUserId;
    private final MlsCipherSuite suite;
    private byte[] groupId;
    private int protocolVersion;
    private byte[] externalSender; // the encoded ExternalSender from op 25
    // This key package's secrets (whitepaper "Key Packages"): a new set after every reset.
    private AsymmetricCipherKeyPair initKey;
    private AsymmetricCipherKeyPair encryptionKey;
    private byte[] signaturePrivate;
    private LeafNode leaf;
    private KeyPackage keyPackage;
    private Group group; // null: no local group yet; epoch 0: pending local group; > 0: established
    private final List<OwnCommit> ownCommits = new ArrayList<>();
    private int cachedAdds;

    private record OwnCommit(byte[] commit, Group next) {}

    public DaveMlsMember(long selfUserId) {
        synchronized (MlsLock.LOCK) {
            this.selfUserId = selfUserId;
            try {
                suite = MlsCipherSuite.getSuite(CIPHER_SUITE);
            } catch (Exception e) {
                throw new IllegalStateException("BouncyCastle MLS lacks ciphersuite 2", e);
            }
        }
    }

    /**
     * Forgets every group and makes a new key package for {@code version} in the group of
     * {@code groupIdValue} (the voice channel id, big-endian, as libdave has it). The external
     * sender is kept: a new local group is made at once when it is known.
     */
    public void reset(int version, long groupIdValue) {
        synchronized (MlsLock.LOCK) {
            protocolVersion = version;
            groupId = MlsWire.identity(groupIdValue);
            group = null;
            ownCommits.clear();
            cachedAdds = 0;
            try {
                initKey = suite.getHPKE().generatePrivateKey();
                encryptionKey = suite.getHPKE().generatePrivateKey();
                AsymmetricCipherKeyPair signature = suite.generateSignatureKeyPair();
                signaturePrivate = suite.serializeSignaturePrivateKey(signature.getPrivate());
                // Whitepaper "Key Packages: Validation": basic credential, lifetime 0..2^64-1 (bcmls's default LifeTime).
                leaf = new LeafNode(suite, suite.getHPKE().serializePublicKey(encryptionKey.getPublic()),
                        suite.serializeSignaturePublicKey(signature.getPublic()), Credential.forBasic(MlsWire.identity(selfUserId)),
                        new Capabilities(), new LifeTime(), new ArrayList<>(), signaturePrivate);
                keyPackage = new KeyPackage(suite, suite.getHPKE().serializePublicKey(initKey.getPublic()), leaf,
                        new ArrayList<>(), signaturePrivate);
            } catch (Exception e) {
                throw new IllegalStateException("cannot make a key package", e);
            }
            createLocalGroupIfReady();
        }
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    /**
     * Op 26: this member's KeyPackage. The whitepaper's struct says "MLSMessage key_package_message",
     * but libdave (what Discord's clients run) sends the bare KeyPackage struct ({@code 0001 0002
     * init_key…}, seen on these machines) and so do we.
     */
    public byte[] keyPackageMessage() {
        synchronized (MlsLock.LOCK) {
            requireReset();
            try {
                return MLSOutputStream.encode(keyPackage);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Op 25: the voice gateway's ExternalSender (signature key and basic credential). */
    public void setExternalSender(byte[] encoded) throws DaveProtocolException {
        synchronized (MlsLock.LOCK) {
            String bad = MlsFraming.externalSender(encoded);
            if (bad != null) throw new DaveProtocolException("external sender package: " + bad);
            ExternalSender parsed;
            try {
                parsed = (ExternalSender) MLSInputStream.decode(encoded, ExternalSender.class);
            } catch (Exception | AssertionError e) {
                throw new DaveProtocolException("external sender package does not parse: " + e);
            }
            if (parsed.getSignatureKey() == null || parsed.getSignatureKey().length == 0) {
                throw new DaveProtocolException("external sender package has no signature key");
            }
            externalSender = encoded.clone();
            if (group == null) createLocalGroupIfReady();
        }
    }

    /** Whitepaper "Initial Group Creation": a local group with ourselves as sole member once the external sender is known. */
    private void createLocalGroupIfReady() {
        if (group != null || externalSender == null || keyPackage == null) return;
        try {
            ExternalSender sender = (ExternalSender) MLSInputStream.decode(externalSender, ExternalSender.class);
            List<Extension> extensions = new ArrayList<>(List.of(Extension.externalSender(List.of(sender))));
            group = new Group(groupId, suite, encryptionKey, signaturePrivate, leaf, extensions);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the local group", e);
        }
    }

    /**
     * Op 27: appends the gateway's proposals (or refuses them all, naming why) and commits them.
     * Returns the op-28 payload (commit MLSMessage, then a Welcome when members are added), or
     * null when there is no local group yet (whitepaper: proposals are then ignored).
     *
     * @param recognized users the voice gateway announced (ops 11/13) plus ourselves: an Add for anyone else is refused
     */
    public byte[] processProposals(byte[] payload, Set<Long> recognized) throws DaveProtocolException {
        synchronized (MlsLock.LOCK) {
            if (payload.length < 1) throw new DaveProtocolException("empty proposals message");
            if (payload[0] != 0 && payload[0] != 1) throw new DaveProtocolException("unknown proposals operation " + (payload[0] & 0xff));
            if (group == null) return null;
            if (payload[0] == 1) return revoke(payload);
            String bad = MlsFraming.proposals(payload, groupId, group.getEpoch());
            if (bad != null) throw new DaveProtocolException("proposals: " + bad);
            List<MLSMessage> messages = new ArrayList<>();
            try {
                new MLSInputStream(Arrays.copyOfRange(payload, 1, payload.length)).readList(messages, MLSMessage.class);
            } catch (Exception | AssertionError e) {
                throw new DaveProtocolException("proposals do not parse: " + e);
            }
            if (messages.isEmpty()) throw new DaveProtocolException("no proposals in an append");
            // Check all first (whitepaper "Proposal Handling": only Add/Remove from the external sender), then apply.
            List<byte[]> encoded = new ArrayList<>();
            int adds = 0;
            for (MLSMessage m : messages) {
                FramedContent content = publicContent(m, "proposal");
                if (content.getSender().getSenderType() != SenderType.EXTERNAL || content.getSender().getSenderIndex() != 0) {
                    throw new DaveProtocolException("proposal not sent by the voice gateway's external sender");
                }
                if (content.getEpoch() != group.getEpoch()) {
                    throw new DaveProtocolException("proposal for epoch " + content.getEpoch() + ", group is at " + group.getEpoch());
                }
                ProposalType type = content.getProposal().getProposalType();
                if (type == ProposalType.ADD) {
                    long user = MlsWire.userId(content.getProposal().getAdd().keyPackage.getLeafNode().getCredential().getIdentity());
                    if (!recognized.contains(user)) {
                        throw new DaveProtocolException("add proposal for user " + Long.toUnsignedString(user) + " who is not in the call");
                    }
                    adds++;
                } else if (type != ProposalType.REMOVE) {
                    throw new DaveProtocolException("proposal type " + type + " is not allowed in DAVE");
                }
                try {
                    encoded.add(MLSOutputStream.encode(m));
                } catch (Exception e) {
                    throw new DaveProtocolException("proposal does not encode: " + e);
                }
            }
            // A message that is refused leaves the cache as it was: a proposal kept after its commit failed would
            // be in every later commit of the epoch, and fail each (e.g. a Remove that leaves us alone).
            int cachedBefore = ProposalCache.sizeIfReachable(group);
            try {
                for (byte[] p : encoded) {
                    try {
                        group.handle(p, null);
                    } catch (Exception e) {
                        throw new DaveProtocolException("proposal refused by MLS: " + e.getMessage());
                    }
                }
                byte[] commitWelcome = commit(cachedAdds + adds);
                cachedAdds += adds;
                return commitWelcome;
            } catch (DaveProtocolException e) {
                if (cachedBefore >= 0) ProposalCache.truncate(group, cachedBefore);
                throw e;
            }
        }
    }

    /**
     * Op 27, revoke: {@code ProposalRef proposal_refs<V>} (each an {@code opaque<V>} RFC 9420 §5.2
     * reference). The proposals leave the cache; what is left is committed, nothing if none is.
     */
    private byte[] revoke(byte[] payload) throws DaveProtocolException {
        long vector = MlsWire.readVarint(payload, 1);
        if (vector < 0) throw new DaveProtocolException("revoke: bad vector length");
        int at = 1 + (int) (vector & 0xff);
        int end = at + (int) (vector >>> 8);
        if (end != payload.length) throw new DaveProtocolException("revoke: vector length does not match the message");
        List<byte[]> refs = new ArrayList<>();
        while (at < end) {
            long ref = MlsWire.readVarint(payload, at);
            if (ref < 0) throw new DaveProtocolException("revoke: bad reference length");
            int from = at + (int) (ref & 0xff);
            int to = from + (int) (ref >>> 8);
            if (to > end) throw new DaveProtocolException("revoke: reference overruns the vector");
            if (to == from) throw new DaveProtocolException("revoke: empty reference");
            refs.add(Arrays.copyOfRange(payload, from, to));
            at = to;
        }
        if (refs.isEmpty()) throw new DaveProtocolException("no references in a revoke");
        cachedAdds = ProposalCache.revoke(group, refs);
        ownCommits.clear(); // commits made before the revoke reference what is gone; the gateway takes none of them
        return ProposalCache.size(group) > 0 ? commit(cachedAdds) : null;
    }

    /** Whitepaper "Proposal Handling"/"Member Add": commit every cached proposal, inline tree in the Welcome.
     * {@code adds}: how many of the committed proposals are Adds (then the Welcome goes along).
     */
    private byte[] commit(int adds) throws DaveProtocolException {
        try {
            byte[] leafSecret = new byte[suite.getKDF().getHashLength()];
            RANDOM.nextBytes(leafSecret);
            Group.GroupWithMessage result = group.commit(new Secret(leafSecret),
                    new Group.CommitOptions(new ArrayList<>(), true, false, null), new Group.MessageOptions(),
                    new Group.CommitParameters(Group.NORMAL_COMMIT_PARAMS));
            Welcome welcome = result.message.welcome;
            byte[] commit = MLSOutputStream.encode(result.message);
            ownCommits.add(new OwnCommit(commit, result.group));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(commit);
            if (adds > 0 && welcome != null) out.writeBytes(MLSOutputStream.encode(welcome));
            return out.toByteArray();
        } catch (Exception e) {
            throw new DaveProtocolException("cannot commit the proposals: " + e);
        }
    }

    /**
     * Op 29: an announced commit. Our own (one we produced for this epoch) moves us to the state
     * we computed; another member's is applied, unless we are a pending member with only a local
     * group (then it is not for us, whitepaper "Client Commit Validity").
     */
    public CommitOutcome processCommit(byte[] commit, StringBuilder why) {
        synchronized (MlsLock.LOCK) {
            if (group == null) return CommitOutcome.IGNORED;
            OwnCommit own = null;
            for (OwnCommit c : ownCommits) if (Arrays.equals(c.commit(), commit)) own = c;
            if (group.getEpoch() == 0 && own == null) return CommitOutcome.IGNORED;
            long commitEpoch = MlsFraming.epochOf(commit, groupId);
            if (commitEpoch >= 0 && commitEpoch < group.getEpoch()) {
                // A commit of an epoch we are past (a late or repeated announcement): nothing to do, nothing lost.
                why.append("stale commit for epoch ").append(commitEpoch).append(", group is at ").append(group.getEpoch());
                return CommitOutcome.IGNORED;
            }
            String bad = MlsFraming.handshakeHead(commit, 0, groupId, group.getEpoch());
            if (bad != null) {
                why.append("commit refused: ").append(bad);
                return CommitOutcome.FAILED;
            }
            Group next;
            try {
                MLSMessage m = (MLSMessage) MLSInputStream.decode(commit, MLSMessage.class);
                publicContent(m, "commit");
                next = group.handle(commit, own == null ? null : own.next());
            } catch (Exception | AssertionError e) {
                why.append("commit refused: ").append(e.getMessage() != null ? e.getMessage() : e.toString());
                return CommitOutcome.FAILED;
            }
            if (next == null) {
                why.append("not a commit");
                return CommitOutcome.FAILED;
            }
            String duplicate = duplicateIdentity(next);
            if (duplicate != null) {
                why.append("the group would hold user ").append(duplicate).append(" twice");
                return CommitOutcome.FAILED;
            }
            group = next;
            ownCommits.clear();
            cachedAdds = 0;
            return CommitOutcome.APPLIED;
        }
    }

    /**
     * Op 30: joins the group from a Welcome for our key package; the group must carry exactly the
     * external sender the gateway gave us (whitepaper "External Sender", "Invalid Groups") and only
     * users in the call.
     */
    public CommitOutcome processWelcome(byte[] welcomeBytes, Set<Long> recognized, StringBuilder why) {
        synchronized (MlsLock.LOCK) {
            if (group != null && group.getEpoch() > 0) {
                why.append("already in an established group");
                return CommitOutcome.IGNORED;
            }
            String bad = MlsFraming.welcome(welcomeBytes);
            if (bad != null) {
                why.append("welcome refused: ").append(bad);
                return CommitOutcome.FAILED;
            }
            Group joined;
            try {
                Welcome welcome = (Welcome) MLSInputStream.decode(welcomeBytes, Welcome.class);
                joined = new Group(suite.getHPKE().serializePrivateKey(initKey.getPrivate()), encryptionKey, signaturePrivate,
                        keyPackage, welcome, null, new HashMap<>(), new HashMap<>());
            } catch (Exception | AssertionError e) {
                why.append("welcome refused: ").append(e.getMessage() != null ? e.getMessage() : e.toString());
                return CommitOutcome.FAILED;
            }
            String problem = checkJoinedGroup(joined, recognized);
            if (problem != null) {
                why.append(problem);
                return CommitOutcome.FAILED;
            }
            group = joined;
            ownCommits.clear();
            cachedAdds = 0;
            return CommitOutcome.APPLIED;
        }
    }

    private String checkJoinedGroup(Group joined, Set<Long> recognized) {
        if (joined.getSuite().getSuiteID() != CIPHER_SUITE) return "welcome for another ciphersuite";
        try {
            List<Extension> senders = joined.getExtensions().stream()
                    .filter(e -> e.extensionType == ExtensionType.EXTERNAL_SENDERS).toList();
            if (senders.size() != 1 || senders.get(0).getSenders().size() != 1
                    || externalSender == null
                    || !Arrays.equals(MLSOutputStream.encode(senders.get(0).getSenders().get(0)), externalSender)) {
                return "the group's external sender is not the voice gateway's";
            }
        } catch (Exception e) {
            return "the group's extensions do not parse: " + e;
        }
        String duplicate = duplicateIdentity(joined);
        if (duplicate != null) return "the group holds user " + duplicate + " twice";
        for (long user : members(joined)) {
            if (!recognized.contains(user)) return "the group holds user " + Long.toUnsignedString(user) + " who is not in the call";
        }
        return null;
    }

    /** True once this member is in a group with an epoch above 0. */
    public boolean established() {
        return group != null && group.getEpoch() > 0;
    }

    /** True when there is a group (local or established) whose exporter can make keys. */
    public boolean hasGroup() {
        return group != null;
    }

    public long epoch() {
        return group == null ? -1 : group.getEpoch();
    }

    /** The current group's MLS-Exporter (RFC 9420 §8.5), for {@link MlsExporter#senderKeyRatchet(long)}. */
    public MlsExporter exporter() {
        Group g = group;
        if (g == null) throw new IllegalStateException("no MLS group");
        return (label, context, length) -> {
            synchronized (MlsLock.LOCK) {
                try {
                    return g.getKeySchedule().MLSExporter(label, context, length);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Whitepaper "Epoch Authenticator". */
    public byte[] epochAuthenticator() {
        synchronized (MlsLock.LOCK) {
            return group == null ? null : group.getEpochAuthenticator();
        }
    }

    /** The user ids in the current group's leaves. */
    public Set<Long> members() {
        synchronized (MlsLock.LOCK) {
            return group == null ? Set.of() : members(group);
        }
    }

    private static Set<Long> members(Group g) {
        Set<Long> users = new HashSet<>();
        long leaves = g.getTree().getSize().leafCount();
        for (int i = 0; i < leaves; i++) {
            LeafNode node = g.getTree().getLeafNode(new LeafIndex(i));
            if (node != null) users.add(MlsWire.userId(node.getCredential().getIdentity()));
        }
        return users;
    }

    private static String duplicateIdentity(Group g) {
        Set<Long> seen = new HashSet<>();
        long leaves = g.getTree().getSize().leafCount();
        for (int i = 0; i < leaves; i++) {
            LeafNode node = g.getTree().getLeafNode(new LeafIndex(i));
            if (node != null && !seen.add(MlsWire.userId(node.getCredential().getIdentity()))) {
                return Long.toUnsignedString(MlsWire.userId(node.getCredential().getIdentity()));
            }
        }
        return null;
    }

    /** The framed content of a PublicMessage (whitepaper "Voice Gateway Commit Validity": handshakes are public). */
    public static FramedContent publicContent(MLSMessage m, String what) throws DaveProtocolException {
        synchronized (MlsLock.LOCK) {
            if (m.wireFormat != WireFormat.mls_public_message) {
                throw new DaveProtocolException(what + " is not an MLS PublicMessage but " + m.wireFormat);
            }
            try {
                byte[] encoded = MLSOutputStream.encode(m);
                // MLSMessage = version (2) | wire_format (2) | PublicMessage, which starts with its FramedContent.
                return (FramedContent) new MLSInputStream(Arrays.copyOfRange(encoded, 4, encoded.length)).read(FramedContent.class);
            } catch (Exception | AssertionError e) {
                throw new DaveProtocolException(what + " framing does not parse: " + e);
            }
        }
    }

    private void requireReset() {
        if (keyPackage == null) throw new IllegalStateException("reset(version, group) first");
    }
}
