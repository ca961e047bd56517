package org.inwardportal.discord.standin;

import club.minnced.discord.jdave.DaveSessionImpl;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.ExternalSender;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.Welcome;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.protocol.Group;
import org.inwardportal.discord.dave.MlsExporter;
import org.inwardportal.discord.dave.MlsWire;
import org.inwardportal.discord.voice.DaveSupport;

/**
 * One MLS group of two members for putting our frame layer next to real libdave (through jdave):
 * libdave's session for {@link #LIBDAVE_USER} and a BouncyCastle MLS member for {@link #JAVA_USER};
 * BouncyCastle also plays the voice gateway (the external sender that proposes the Add). Used by
 * the libdave interop tests and the DAVE frame benchmark. libdave needs glibc >= 2.38: the JVM must
 * be started through Debian 13's loader (scripts/lib/dave/bin/java, docs/dave.md); check
 * {@link #libdaveUnavailable()} first.
 */
public final class LibdaveGroupOfTwo implements AutoCloseable {
    public static final long LIBDAVE_USER = 158049329150427136L;
    public static final long JAVA_USER = 1117400238149857341L;
    public static final long GROUP_ID = 1234567890123456789L;

    private final DaveSessionImpl session;
    private final MlsExporter javaExporter;

    private LibdaveGroupOfTwo(DaveSessionImpl session, MlsExporter javaExporter) {
        this.session = session;
        this.javaExporter = javaExporter;
    }

    /** Why libdave cannot load in this JVM, or null when it can. */
    public static String libdaveUnavailable() {
        DaveSupport libdave = DaveSupport.probe();
        return libdave.available() ? null : libdave.description();
    }

    /**
     * Forms the group (whitepaper "Voice Gateway Opcodes" 25, 27–30): both members end in epoch 1.
     * Throws when a step does not go as libdave and the whitepaper say it should.
     */
    public static LibdaveGroupOfTwo join() throws Exception {
        MlsCipherSuite suite = MlsCipherSuite.getSuite(MlsCipherSuite.MLS_128_DHKEMP256_AES128GCM_SHA256_P256);

        // The voice gateway's role: the group's external sender.
        AsymmetricCipherKeyPair gateway = suite.generateSignatureKeyPair();
        ExternalSender externalSender = new ExternalSender(suite.serializeSignaturePublicKey(gateway.getPublic()),
                Credential.forBasic(MlsWire.identity(0)));

        DaveSessionImpl session = DaveSessionImpl.create("");
        try {
            session.initialize((short) 1, GROUP_ID, Long.toUnsignedString(LIBDAVE_USER));
            session.setExternalSender(direct(MLSOutputStream.encode(externalSender)));

            // The Java member's key package (basic credential: the big-endian user id, as DAVE has it).
            AsymmetricCipherKeyPair init = suite.getHPKE().generatePrivateKey();
            AsymmetricCipherKeyPair encryption = suite.getHPKE().generatePrivateKey();
            AsymmetricCipherKeyPair signature = suite.generateSignatureKeyPair();
            byte[] signaturePrivate = suite.serializeSignaturePrivateKey(signature.getPrivate());
            LeafNode leaf = new LeafNode(suite, suite.getHPKE().serializePublicKey(encryption.getPublic()),
                    suite.serializeSignaturePublicKey(signature.getPublic()), Credential.forBasic(MlsWire.identity(JAVA_USER)),
                    new Capabilities(), new LifeTime(), new ArrayList<Extension>(), signaturePrivate);
            KeyPackage keyPackage = new KeyPackage(suite, suite.getHPKE().serializePublicKey(init.getPublic()), leaf,
                    new ArrayList<Extension>(), signaturePrivate);

            // Op 27: the gateway proposes adding the Java member to libdave's pending group (epoch 0).
            MLSMessage add = MLSMessage.externalProposal(suite, MlsWire.identity(GROUP_ID), 0, Proposal.add(keyPackage), 0,
                    suite.serializeSignaturePrivateKey(gateway.getPrivate()));
            byte[] proposal = MLSOutputStream.encode(add);
            ByteArrayOutputStream proposals = new ByteArrayOutputStream();
            proposals.write(0); // append, not revoke
            MlsWire.writeVarint(proposals, proposal.length);
            proposals.write(proposal);
            byte[][] commitWelcome = new byte[1][];
            session.processProposals(direct(proposals.toByteArray()),
                    List.of(Long.toUnsignedString(LIBDAVE_USER), Long.toUnsignedString(JAVA_USER)),
                    out -> {
                        byte[] b = new byte[out.remaining()];
                        out.get(b);
                        commitWelcome[0] = b;
                    });
            check(commitWelcome[0] != null, "libdave did not commit the Add proposal");

            // Op 28 split: the commit (an MLSMessage), then the Welcome (the bare struct, not an MLSMessage).
            MLSInputStream in = new MLSInputStream(commitWelcome[0]);
            MLSMessage commit = (MLSMessage) in.read(MLSMessage.class);
            Welcome welcome = (Welcome) in.read(Welcome.class);
            byte[] commitBytes = MLSOutputStream.encode(commit);
            check(Arrays.equals(Arrays.copyOf(commitWelcome[0], commitBytes.length), commitBytes),
                    "libdave's op 28 does not start with the commit as an MLSMessage");

            // Op 29: the gateway announces the commit; libdave applies its own. Op 30: the Java member joins.
            String applied = String.valueOf(session.processCommit(direct(commitBytes)));
            check(applied.contains("Success"), "libdave did not apply its own commit: " + applied);
            Group member = new Group(suite.getHPKE().serializePrivateKey(init.getPrivate()), encryption, signaturePrivate,
                    keyPackage, welcome, null, new HashMap<>(), new HashMap<>());
            check(member.getEpoch() == 1, "the Java member joined epoch " + member.getEpoch() + ", not 1");
            MlsExporter exporter = (label, context, length) -> {
                try {
                    return member.getKeySchedule().MLSExporter(label, context, length);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            return new LibdaveGroupOfTwo(session, exporter);
        } catch (Exception | Error e) {
            session.close();
            throw e;
        }
    }

    /** libdave's member (user {@link #LIBDAVE_USER}). */
    public DaveSessionImpl libdaveSession() {
        return session;
    }

    /** The BouncyCastle member's MLS-Exporter (user {@link #JAVA_USER}), epoch 1. */
    public MlsExporter javaExporter() {
        return javaExporter;
    }

    @Override
    public void close() {
        session.close();
    }

    private static void check(boolean ok, String why) {
        if (!ok) throw new IllegalStateException(why);
    }

    private static ByteBuffer direct(byte[] b) {
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }
}
