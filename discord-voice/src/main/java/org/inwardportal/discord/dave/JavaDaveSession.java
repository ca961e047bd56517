package org.inwardportal.discord.dave;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.audio.dave.DaveProtocolCallbacks;
import net.dv8tion.jda.api.audio.dave.DaveSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDA's {@link DaveSession} in pure Java: the voice gateway's DAVE opcodes (21–31) on
 * {@link DaveMlsMember} (BouncyCastle MLS) and the frame layer ({@link FrameEncryptor} for our
 * frames, one {@link FrameDecryptor} per other user).
 *
 * <p>Threads: JDA calls the protocol methods from its voice WebSocket thread, {@code encrypt} from
 * its send thread and {@code decrypt} from its receive thread. Protocol state is guarded by this
 * object; the encryptor and each decryptor by themselves, so the media path never waits for MLS
 * work (a commit takes milliseconds) and allocates nothing.
 *
 * <p>Until the first transition executes there is no key to send with; a frame offered then is
 * replaced by Opus silence {@code F8 FF FE} (whitepaper "Silence Packets": every receiver passes
 * it) instead of failing, so JDA does not log an error every 20 ms while the group forms; they
 * are counted ({@link #withheldFrames()}).
 */
public final class JavaDaveSession implements DaveSession {
    private static final Logger log = LoggerFactory.getLogger(JavaDaveSession.class);
    /** Whitepaper "Protocol Version Negotiation": the highest DAVE protocol version we speak. */
    public static final int MAX_PROTOCOL_VERSION = 1;
    /** Whitepaper "dave_protocol_prepare_transition (21)": transition 0 is (re)initialisation, executed at once. */
    static final int INIT_TRANSITION_ID = 0;
    /** Whitepaper "dave_protocol_prepare_epoch (24)": epoch 1 means a new group. */
    static final long NEW_GROUP_EPOCH = 1;

    private final DaveProtocolCallbacks callbacks;
    private final long selfUserId;
    private final long channelId;
    private final DaveMlsMember mls;
    private final Set<Long> recognized = ConcurrentHashMap.newKeySet();
    private final UserDecryptors decryptors = new UserDecryptors();
    private final Map<Integer, Integer> preparedTransitions = new HashMap<>();
    private final FrameEncryptor encryptor = new FrameEncryptor();
    private SenderKeyRatchet sendRatchet; // guarded by encryptor
    private boolean sendKeyReady; // guarded by encryptor: passthrough or a ratchet
    private int protocolVersion;
    private boolean destroyed;
    private final AtomicLong withheld = new AtomicLong();
    private final AtomicLong refusedMessages = new AtomicLong();
    private final AtomicLong transitionsExecuted = new AtomicLong();

    public JavaDaveSession(DaveProtocolCallbacks callbacks, long selfUserId, long channelId) {
        this.callbacks = callbacks;
        this.selfUserId = selfUserId;
        this.channelId = channelId;
        this.mls = new DaveMlsMember(selfUserId);
        recognized.add(selfUserId);
    }

    // ---- media ----

    @Override
    public int getMaxProtocolVersion() {
        return MAX_PROTOCOL_VERSION;
    }

    @Override
    public int getMaxEncryptedFrameSize(MediaType type, int frameSize) {
        return Math.max(FrameEncryptor.maxEncryptedSize(frameSize), DaveFrameFormat.OPUS_SILENCE.length);
    }

    @Override
    public int getMaxDecryptedFrameSize(MediaType type, long userId, int frameSize) {
        return frameSize;
    }

    @Override
    public void assignSsrcToCodec(Codec codec, int ssrc) {
        // Opus is the only codec JDA has, and it is encrypted whole ("Codec Handling: OPUS").
    }

    @Override
    public boolean encrypt(MediaType mediaType, int ssrc, ByteBuffer data, ByteBuffer encrypted) {
        synchronized (encryptor) {
            if (!sendKeyReady) {
                if (withheld.getAndIncrement() == 0) log.info("DAVE: no media key yet (the group is forming); sending silence meanwhile");
                data.position(data.limit());
                encrypted.put(DaveFrameFormat.OPUS_SILENCE).flip();
                return true;
            }
            int n = encryptor.encrypt(data, encrypted);
            if (n < 0) {
                log.warn("DAVE: cannot encrypt a frame: {}", encryptor.lastFailure());
                return false;
            }
            encrypted.flip();
            return true;
        }
    }

    @Override
    public boolean decrypt(MediaType mediaType, long userId, ByteBuffer encrypted, ByteBuffer decrypted) {
        FrameDecryptor d = decryptors.get(userId);
        if (d == null) return false;
        synchronized (d) {
            if (d.decrypt(encrypted, decrypted) < 0) return false;
        }
        decrypted.flip();
        return true;
    }

    /** Frames replaced by silence because no media key was there yet. */
    public long withheldFrames() {
        return withheld.get();
    }

    /** Why the last frame from {@code userId} was refused (or NONE). */
    public FrameFailure lastDecryptFailure(long userId) {
        FrameDecryptor d = decryptors.get(userId);
        return d == null ? FrameFailure.MISSING_KEY_RATCHET : d.lastFailure();
    }

    // ---- users (ops 11, 13, 5) ----

    @Override
    public synchronized void addUser(long userId) {
        if (destroyed || userId == selfUserId) return;
        recognized.add(userId);
        if (decryptors.get(userId) == null) {
            FrameDecryptor d = new FrameDecryptor();
            prepareDecryptor(userId, d, protocolVersion);
            decryptors.putIfAbsent(userId, d);
        }
    }

    @Override
    public synchronized void removeUser(long userId) {
        if (userId == selfUserId) return;
        recognized.remove(userId);
        FrameDecryptor d = decryptors.remove(userId);
        if (d != null) {
            synchronized (d) {
                d.close();
            }
        }
    }

    // ---- lifecycle ----

    @Override
    public void initialize() {
        // Nothing until select_protocol_ack says which protocol version the call uses.
    }

    @Override
    public synchronized void destroy() {
        destroyed = true;
        for (FrameDecryptor d : decryptors.clear()) {
            synchronized (d) {
                d.close();
            }
        }
        synchronized (encryptor) {
            encryptor.setKeyRatchet(null);
            if (sendRatchet != null) sendRatchet.close();
            sendRatchet = null;
            sendKeyReady = false;
        }
    }

    // ---- protocol ----

    /** Op 4: the call's protocol version. Above 0, a new group: key package (whitepaper "Key Packages"). */
    @Override
    public synchronized void onSelectProtocolAck(int version) {
        if (destroyed) return;
        log.debug("DAVE: select_protocol_ack version {}", version);
        if (version > 0) {
            newGroup(version);
        } else {
            prepareTransition(INIT_TRANSITION_ID, 0);
        }
    }

    /** Op 21. */
    @Override
    public synchronized void onDaveProtocolPrepareTransition(int transitionId, int version) {
        if (destroyed) return;
        prepareTransition(transitionId, version);
    }

    /** Op 22. */
    @Override
    public synchronized void onDaveProtocolExecuteTransition(int transitionId) {
        if (destroyed) return;
        Integer version = preparedTransitions.remove(transitionId);
        if (version == null) {
            log.warn("DAVE: execute transition {} that was not prepared; ignored", transitionId);
            return;
        }
        executeTransition(version);
    }

    /** Op 24: epoch 1 asks for a new group (whitepaper "Protocol Version Changes", "Sole member reset"). */
    @Override
    public synchronized void onDaveProtocolPrepareEpoch(long epoch, int version) {
        if (destroyed) return;
        if (epoch == NEW_GROUP_EPOCH) newGroup(version);
    }

    /** Op 25. */
    @Override
    public synchronized void onDaveProtocolMLSExternalSenderPackage(ByteBuffer externalSenderPackage) {
        if (destroyed) return;
        try {
            mls.setExternalSender(bytes(externalSenderPackage));
        } catch (DaveProtocolException e) {
            refused("external sender package", e.getMessage());
        }
    }

    /** Op 27 → op 28. */
    @Override
    public synchronized void onMLSProposals(ByteBuffer proposals) {
        if (destroyed) return;
        byte[] commitWelcome;
        try {
            commitWelcome = mls.processProposals(bytes(proposals), Set.copyOf(recognized));
        } catch (DaveProtocolException e) {
            refused("proposals", e.getMessage());
            return;
        }
        if (commitWelcome != null) callbacks.sendMLSCommitWelcome(ByteBuffer.wrap(commitWelcome));
    }

    /** Op 29 (whitepaper "Commit Handling"). */
    @Override
    public synchronized void onMLSPrepareCommitTransition(int transitionId, ByteBuffer commit) {
        if (destroyed) return;
        StringBuilder why = new StringBuilder();
        CommitOutcome outcome = mls.processCommit(bytes(commit), why);
        joined(outcome, transitionId, "commit", why);
    }

    /** Op 30 (whitepaper "Welcome Handling"). */
    @Override
    public synchronized void onMLSWelcome(int transitionId, ByteBuffer welcome) {
        if (destroyed) return;
        StringBuilder why = new StringBuilder();
        CommitOutcome outcome = mls.processWelcome(bytes(welcome), Set.copyOf(recognized), why);
        joined(outcome, transitionId, "welcome", why);
    }

    private void joined(CommitOutcome outcome, int transitionId, String what, StringBuilder why) {
        switch (outcome) {
            case APPLIED -> {
                log.debug("DAVE: {} applied, epoch {}, transition {}", what, mls.epoch(), transitionId);
                prepareTransition(transitionId, mls.protocolVersion());
            }
            case IGNORED -> {
                if (why.length() > 0) log.info("DAVE: {} for transition {} ignored: {}", what, transitionId, why);
            }
            case FAILED -> {
                // Whitepaper "Recovery from Invalid Commit or Welcome": flag it, reset, new key package.
                refused(what, why.toString());
                callbacks.sendMLSInvalidCommitWelcome(transitionId);
                newGroup(mls.protocolVersion() > 0 ? mls.protocolVersion() : MAX_PROTOCOL_VERSION);
            }
        }
    }

    private void newGroup(int version) {
        protocolVersion = version;
        mls.reset(version, channelId);
        callbacks.sendMLSKeyPackage(ByteBuffer.wrap(mls.keyPackageMessage()));
    }

    /**
     * Receivers get the new keys at once (senders keep the old ones until execution; the previous
     * ratchets stay usable for ten seconds); then ready (op 23), or execute at once for transition 0.
     */
    private void prepareTransition(int transitionId, int version) {
        decryptors.forEach((user, d) -> prepareDecryptor(user, d, version));
        if (transitionId == INIT_TRANSITION_ID) {
            executeTransition(version);
        } else {
            preparedTransitions.put(transitionId, version);
            callbacks.sendDaveProtocolReadyForTransition(transitionId);
        }
    }

    private void prepareDecryptor(long user, FrameDecryptor d, int version) {
        // The exporter runs before the decryptor is locked: the receive thread never waits for it.
        SenderKeyRatchet ratchet = version > 0 && mls.hasGroup() ? mls.exporter().senderKeyRatchet(user) : null;
        synchronized (d) {
            if (version == 0) {
                d.transitionToPassthrough(true);
            } else if (ratchet != null) {
                d.transitionToKeyRatchet(ratchet);
                d.transitionToPassthrough(false);
            }
        }
    }

    /** Senders switch (whitepaper "Protocol Version Changes": upon execution, the new protocol version and key ratchet). */
    private void executeTransition(int version) {
        protocolVersion = version;
        SenderKeyRatchet next = version > 0 && mls.hasGroup() ? mls.exporter().senderKeyRatchet(selfUserId) : null;
        synchronized (encryptor) {
            SenderKeyRatchet previous = sendRatchet;
            sendRatchet = next;
            encryptor.setKeyRatchet(next);
            encryptor.setPassthrough(version == 0);
            sendKeyReady = version == 0 || next != null;
            if (previous != null) previous.close();
        }
        transitionsExecuted.incrementAndGet();
        if (version == 0) mls.reset(0, channelId);
        log.debug("DAVE: transition executed, protocol version {}, epoch {}", version, mls.epoch());
    }

    private void refused(String what, String why) {
        refusedMessages.incrementAndGet();
        log.warn("DAVE: {} refused: {}", what, why);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    // ---- observation (ops and tests) ----

    /** The protocol version our frames are sent with (0: passthrough). */
    public synchronized int protocolVersion() {
        return protocolVersion;
    }

    /** The MLS epoch of our group (-1: none, 0: a pending local group). */
    public synchronized long epoch() {
        return mls.epoch();
    }

    /** Whitepaper "Epoch Authenticator": equal for every member that sees the same group. */
    public synchronized byte[] epochAuthenticator() {
        return mls.epochAuthenticator();
    }

    /** Users in our MLS group. */
    public synchronized Set<Long> groupMembers() {
        return mls.members();
    }

    /** Gateway messages refused (garbage, wrong epoch, wrong sender, unprocessable commit or welcome). */
    public long refusedMessages() {
        return refusedMessages.get();
    }

    public long transitionsExecuted() {
        return transitionsExecuted.get();
    }

    /** True once frames are sent end-to-end encrypted. */
    public boolean sendingEncrypted() {
        synchronized (encryptor) {
            return sendKeyReady && !encryptor.passthrough();
        }
    }
}
