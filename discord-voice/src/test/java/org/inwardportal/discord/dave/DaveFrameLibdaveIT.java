package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import club.minnced.discord.jdave.DaveCodec;
import club.minnced.discord.jdave.DaveDecryptor;
import club.minnced.discord.jdave.DaveEncryptor;
import club.minnced.discord.jdave.DaveMediaType;
import club.minnced.discord.jdave.DaveSessionImpl;
import club.minnced.discord.jdave.ffi.LibDave;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our pure-Java frame layer against real libdave (through jdave), both directions, in one MLS
 * group of two members: libdave's session for user {@value #LIBDAVE_USER} and a BouncyCastle MLS
 * member for user {@value #JAVA_USER}; BouncyCastle also plays the voice gateway (the external
 * sender that proposes the Add). libdave needs glibc 2.38: this class runs in a JVM started
 * through Debian 13's loader (scripts/lib/dave/bin/java, the failsafe execution "libdave" of this
 * module); elsewhere it is skipped with the reason, and under scripts/test
 * (INWARD_TEST_REQUIRE_LIBDAVE) it fails instead.
 */
class DaveFrameLibdaveIT {
    static final long LIBDAVE_USER = 158049329150427136L;
    static final long JAVA_USER = 1117400238149857341L;
    static final long GROUP_ID = 1234567890123456789L;
    static final int SSRC = 0x1234;

    static DaveSessionImpl session;
    static Group javaMember;
    static MlsExporter javaExporter;
    static String unavailable;

    @BeforeEach
    void libdaveLoads() {
        assumeTrue(unavailable == null, unavailable);
    }

    @BeforeAll
    static void joinOneGroup() throws Exception {
        String why = libdaveUnavailable();
        if (why != null) {
            if (System.getenv("INWARD_TEST_REQUIRE_LIBDAVE") != null) {
                fail("libdave must load here (scripts/test starts this JVM through Debian 13's loader): " + why);
            }
            unavailable = "libdave cannot load in this JVM (" + why + "; it needs glibc >= 2.38); run it as scripts/test does,"
                    + " through Debian 13's loader (scripts/lib/dave-runtime.sh, docs/dave.md)";
            System.err.println("DaveFrameLibdaveIT skipped: " + unavailable);
            return;
        }
        MlsCipherSuite suite = MlsCipherSuite.getSuite(MlsCipherSuite.MLS_128_DHKEMP256_AES128GCM_SHA256_P256);

        // The voice gateway's role: the group's external sender.
        AsymmetricCipherKeyPair gateway = suite.generateSignatureKeyPair();
        ExternalSender externalSender = new ExternalSender(suite.serializeSignaturePublicKey(gateway.getPublic()),
                Credential.forBasic(bigEndian(0)));

        session = DaveSessionImpl.create("");
        session.initialize((short) 1, GROUP_ID, Long.toUnsignedString(LIBDAVE_USER));
        session.setExternalSender(direct(MLSOutputStream.encode(externalSender)));

        // The Java member's key package (basic credential: the big-endian user id, as DAVE has it).
        AsymmetricCipherKeyPair init = suite.getHPKE().generatePrivateKey();
        AsymmetricCipherKeyPair encryption = suite.getHPKE().generatePrivateKey();
        AsymmetricCipherKeyPair signature = suite.generateSignatureKeyPair();
        byte[] signaturePrivate = suite.serializeSignaturePrivateKey(signature.getPrivate());
        LeafNode leaf = new LeafNode(suite, suite.getHPKE().serializePublicKey(encryption.getPublic()),
                suite.serializeSignaturePublicKey(signature.getPublic()), Credential.forBasic(bigEndian(JAVA_USER)),
                new Capabilities(), new LifeTime(), new ArrayList<Extension>(), signaturePrivate);
        KeyPackage keyPackage = new KeyPackage(suite, suite.getHPKE().serializePublicKey(init.getPublic()), leaf,
                new ArrayList<Extension>(), signaturePrivate);

        // Op 27: the gateway proposes adding the Java member to libdave's pending group (epoch 0).
        MLSMessage add = MLSMessage.externalProposal(suite, bigEndian(GROUP_ID), 0, Proposal.add(keyPackage), 0,
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
        assertThat(commitWelcome[0]).as("libdave committed the proposal").isNotNull();

        // Op 28 split: the commit (an MLSMessage), then the Welcome (the bare struct, not an MLSMessage).
        MLSInputStream in = new MLSInputStream(commitWelcome[0]);
        MLSMessage commit = (MLSMessage) in.read(MLSMessage.class);
        Welcome welcome = (Welcome) in.read(Welcome.class);
        byte[] commitBytes = MLSOutputStream.encode(commit);
        assertThat(Arrays.copyOf(commitWelcome[0], commitBytes.length)).isEqualTo(commitBytes);

        // Op 29: the gateway announces the commit; libdave applies its own. Op 30: the Java member joins.
        assertThat(session.processCommit(direct(commitBytes)).toString()).contains("Success");
        javaMember = new Group(suite.getHPKE().serializePrivateKey(init.getPrivate()), encryption, signaturePrivate,
                keyPackage, welcome, null, new HashMap<>(), new HashMap<>());
        assertThat(javaMember.getEpoch()).isEqualTo(1);
        Group member = javaMember;
        javaExporter = (label, context, length) -> {
            try {
                return member.getKeySchedule().MLSExporter(label, context, length);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @AfterAll
    static void close() {
        if (session != null) session.close();
    }

    @Test
    void libdaveEncryptsAndThePureJavaDecryptorOpens() {
        FrameDecryptor ours = new FrameDecryptor();
        ours.transitionToKeyRatchet(javaExporter.senderKeyRatchet(LIBDAVE_USER));
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

    private static String libdaveUnavailable() {
        try {
            LibDave.getMaxSupportedProtocolVersion();
            return null;
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            return String.valueOf(root.getMessage()).replaceAll("\\s+", " ");
        }
    }

    private static byte[] opus(Random random, int len) {
        byte[] b = new byte[len];
        random.nextBytes(b);
        b[0] = (byte) 0xFC;
        return b;
    }

    private static ByteBuffer direct(byte[] b) {
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static byte[] bigEndian(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

}
