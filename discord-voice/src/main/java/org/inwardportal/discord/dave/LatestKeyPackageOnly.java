package org.inwardportal.discord.dave;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.audio.dave.DaveProtocolCallbacks;
import net.dv8tion.jda.api.audio.dave.DaveSession;
import net.dv8tion.jda.api.audio.dave.DaveSessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps another {@link DaveSessionFactory} (jdave's) so that of the key packages (op 26) a session
 * sends while it handles one gateway message, only the last is sent.
 *
 * <p>Why: libdave makes a new key package, and drops the previous one's private keys, each time it
 * is asked for one. jdave 0.1.5, after a commit or Welcome libdave cannot process, sends op 31, then
 * libdave's current key package, then re-initialises libdave (which drops that one) and sends a new
 * one. The first is dead when it leaves: a gateway that commits an Add for it before the second
 * arrives makes a Welcome the bot cannot open ("Welcome not intended for key package"), so the bot
 * reports op 31 again, and again while the race repeats. The last key package is always the live one.
 *
 * <p>Key packages a session sends outside a gateway message pass straight through. The bytes are
 * copied: jdave frees the native buffer when its callback returns.
 */
public final class LatestKeyPackageOnly implements DaveSessionFactory {
    private static final Logger log = LoggerFactory.getLogger(LatestKeyPackageOnly.class);

    private final DaveSessionFactory delegate;
    private final AtomicLong dropped = new AtomicLong();

    public LatestKeyPackageOnly(DaveSessionFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public DaveSession createDaveSession(DaveProtocolCallbacks callbacks, long userId, long channelId) {
        HeldKeyPackage held = new HeldKeyPackage(callbacks);
        return new Session(delegate.createDaveSession(held, userId, channelId), held);
    }

    /** Key packages not sent because a newer one followed within the same gateway message. */
    public long droppedKeyPackages() {
        return dropped.get();
    }

    private final class HeldKeyPackage implements DaveProtocolCallbacks {
        private final DaveProtocolCallbacks out;
        private int depth; // guarded by this
        private byte[] held; // guarded by this

        HeldKeyPackage(DaveProtocolCallbacks out) {
            this.out = out;
        }

        synchronized void begin() {
            depth++;
        }

        void end() {
            byte[] send;
            synchronized (this) {
                if (--depth > 0 || held == null) return;
                send = held;
                held = null;
            }
            out.sendMLSKeyPackage(ByteBuffer.allocateDirect(send.length).put(send).flip()); // direct, as jdave's was
        }

        @Override
        public void sendMLSKeyPackage(ByteBuffer keyPackage) {
            synchronized (this) {
                if (depth > 0) {
                    if (held != null) {
                        dropped.incrementAndGet();
                        log.debug("DAVE: a key package superseded while handling the same gateway message is not sent");
                    }
                    held = new byte[keyPackage.remaining()];
                    keyPackage.get(held);
                    return;
                }
            }
            out.sendMLSKeyPackage(keyPackage);
        }

        @Override
        public void sendDaveProtocolReadyForTransition(int transitionId) {
            out.sendDaveProtocolReadyForTransition(transitionId);
        }

        @Override
        public void sendMLSCommitWelcome(ByteBuffer commitWelcome) {
            out.sendMLSCommitWelcome(commitWelcome);
        }

        @Override
        public void sendMLSInvalidCommitWelcome(int transitionId) {
            out.sendMLSInvalidCommitWelcome(transitionId);
        }
    }

    /** Delegates everything; the gateway-message handlers run between begin and end. */
    private record Session(DaveSession s, HeldKeyPackage held) implements DaveSession {
        private void handle(Runnable r) {
            held.begin();
            try {
                r.run();
            } finally {
                held.end();
            }
        }

        @Override
        public int getMaxProtocolVersion() {
            return s.getMaxProtocolVersion();
        }

        @Override
        public int getMaxEncryptedFrameSize(MediaType type, int frameSize) {
            return s.getMaxEncryptedFrameSize(type, frameSize);
        }

        @Override
        public int getMaxDecryptedFrameSize(MediaType type, long userId, int frameSize) {
            return s.getMaxDecryptedFrameSize(type, userId, frameSize);
        }

        @Override
        public void assignSsrcToCodec(Codec codec, int ssrc) {
            s.assignSsrcToCodec(codec, ssrc);
        }

        @Override
        public boolean encrypt(MediaType type, int ssrc, ByteBuffer data, ByteBuffer encrypted) {
            return s.encrypt(type, ssrc, data, encrypted);
        }

        @Override
        public boolean decrypt(MediaType type, long userId, ByteBuffer encrypted, ByteBuffer decrypted) {
            return s.decrypt(type, userId, encrypted, decrypted);
        }

        @Override
        public void addUser(long userId) {
            s.addUser(userId);
        }

        @Override
        public void removeUser(long userId) {
            s.removeUser(userId);
        }

        @Override
        public void initialize() {
            handle(s::initialize);
        }

        @Override
        public void destroy() {
            s.destroy();
        }

        @Override
        public void onSelectProtocolAck(int version) {
            handle(() -> s.onSelectProtocolAck(version));
        }

        @Override
        public void onDaveProtocolPrepareTransition(int transitionId, int version) {
            handle(() -> s.onDaveProtocolPrepareTransition(transitionId, version));
        }

        @Override
        public void onDaveProtocolExecuteTransition(int transitionId) {
            handle(() -> s.onDaveProtocolExecuteTransition(transitionId));
        }

        @Override
        public void onDaveProtocolPrepareEpoch(long epoch, int version) {
            handle(() -> s.onDaveProtocolPrepareEpoch(epoch, version));
        }

        @Override
        public void onDaveProtocolMLSExternalSenderPackage(ByteBuffer externalSenderPackage) {
            handle(() -> s.onDaveProtocolMLSExternalSenderPackage(externalSenderPackage));
        }

        @Override
        public void onMLSProposals(ByteBuffer proposals) {
            handle(() -> s.onMLSProposals(proposals));
        }

        @Override
        public void onMLSPrepareCommitTransition(int transitionId, ByteBuffer commit) {
            handle(() -> s.onMLSPrepareCommitTransition(transitionId, commit));
        }

        @Override
        public void onMLSWelcome(int transitionId, ByteBuffer welcome) {
            handle(() -> s.onMLSWelcome(transitionId, welcome));
        }
    }
}
