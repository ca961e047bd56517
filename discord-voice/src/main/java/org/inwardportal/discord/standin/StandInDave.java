package org.inwardportal.discord.standin;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.dv8tion.jda.api.audio.dave.DaveProtocolCallbacks;
import net.dv8tion.jda.api.audio.dave.DaveSession;
import org.inwardportal.discord.dave.FrameEncryptor;
import org.inwardportal.discord.dave.JavaDaveSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-in's DAVE: one {@link DaveVoiceGroup} per voice channel, and emulated members as
 * DAVE participants (each runs a {@link JavaDaveSession}, in process, fed the same opcodes a bot
 * gets over its voice WebSocket). All gateway work runs on one thread, in order.
 */
final class StandInDave implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandInDave.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stand-in-dave");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, DaveVoiceGroup> groups = new ConcurrentHashMap<>();
    private final Map<Long, JavaDaveSession> memberSessions = new ConcurrentHashMap<>();
    private final Map<Long, Long> memberChannels = new ConcurrentHashMap<>();
    /** Tests: the last commit (op 29) each member was sent. */
    private final Map<Long, byte[]> lastCommitTo = new ConcurrentHashMap<>();

    private DaveVoiceGroup group(long channelId) {
        return groups.computeIfAbsent(channelId, id -> new DaveVoiceGroup(id, thread));
    }

    /** Runs {@code work} on the DAVE thread. */
    void run(Runnable work) {
        if (thread.isShutdown()) return; // the stand-in is closing: nothing left to tell anyone
        try {
            thread.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    log.warn("stand-in DAVE: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** Runs {@code work} on the DAVE thread and waits for it (tests, observation). */
    <T> T call(java.util.concurrent.Callable<T> work) {
        try {
            return thread.submit(work).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- bots (their voice WebSocket) ----

    void participantJoined(long channelId, DaveParticipantLink link) {
        run(() -> group(channelId).join(link));
    }

    void participantLeft(long channelId, long user) {
        run(() -> group(channelId).leave(user));
    }

    void keyPackage(long channelId, long user, byte[] message) {
        run(() -> {
            DaveVoiceGroup g = group(channelId);
            g.keyPackage(user, message);
            g.catchUp(user);
        });
    }

    void commitWelcome(long channelId, long user, byte[] payload) {
        run(() -> group(channelId).commitWelcome(user, payload));
    }

    void ready(long channelId, long user, int transitionId) {
        run(() -> group(channelId).ready(user, transitionId));
    }

    void invalidCommitWelcome(long channelId, long user, int transitionId) {
        run(() -> group(channelId).invalidCommitWelcome(user, transitionId));
    }

    void corruptNextHandshakeFor(long channelId, long user) {
        call(() -> {
            group(channelId).corruptNextHandshakeFor(user);
            return null;
        });
    }

    void deadKeyPackageAfterReportFrom(long channelId, long user) {
        call(() -> {
            group(channelId).deadKeyPackageAfterReportFrom(user);
            return null;
        });
    }

    void commitsOnlyFrom(long channelId, Long user) {
        call(() -> {
            group(channelId).commitsOnlyFrom(user);
            return null;
        });
    }

    void holdCommits(long channelId, boolean hold) {
        call(() -> {
            group(channelId).holdCommits(hold);
            return null;
        });
    }

    DaveGroupStats stats(long channelId) {
        return call(() -> group(channelId).stats());
    }

    // ---- emulated members ----

    /** A member enters {@code channelId}, where {@code present} already are: it speaks DAVE from now on. */
    void memberJoined(long channelId, long member, Collection<Long> present) {
        run(() -> {
            JavaDaveSession session = new JavaDaveSession(new MemberCallbacks(channelId, member), member, channelId);
            memberSessions.put(member, session);
            memberChannels.put(member, channelId);
            present.forEach(session::addUser);
            group(channelId).join(new SessionLink(member, session, lastCommitTo));
            session.onSelectProtocolAck(DaveVoiceGroup.PROTOCOL_VERSION);
        });
    }

    void memberLeft(long channelId, long member) {
        run(() -> {
            JavaDaveSession session = memberSessions.remove(member);
            memberChannels.remove(member);
            if (session != null) session.destroy();
            group(channelId).leave(member);
        });
    }

    /** Ops 11 / 13 for members' sessions: {@code user} entered or left their channel. */
    void userPresence(long channelId, long user, boolean present) {
        run(() -> memberSessions.forEach((m, s) -> {
            if (m != user && Long.valueOf(channelId).equals(memberChannels.get(m))) {
                if (present) s.addUser(user);
                else s.removeUser(user);
            }
        }));
    }

    JavaDaveSession memberSession(long member) {
        return memberSessions.get(member);
    }

    /** The member's frame as it leaves its client: end-to-end encrypted (or silence before the group exists). */
    byte[] encryptFromMember(long member, byte[] opus) {
        JavaDaveSession s = memberSessions.get(member);
        if (s == null) return null;
        ByteBuffer out = ByteBuffer.allocate(FrameEncryptor.maxEncryptedSize(opus.length) + 3);
        if (!s.encrypt(DaveSession.MediaType.AUDIO, 0, ByteBuffer.wrap(opus), out)) return null;
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    /** What the member's client makes of {@code frame} from {@code sender}, or null when it cannot decrypt it. */
    byte[] decryptForMember(long member, long sender, byte[] frame) {
        JavaDaveSession s = memberSessions.get(member);
        if (s == null) return null;
        ByteBuffer out = ByteBuffer.allocate(frame.length);
        if (!s.decrypt(DaveSession.MediaType.AUDIO, sender, ByteBuffer.wrap(frame), out)) return null;
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        memberSessions.values().forEach(JavaDaveSession::destroy);
        memberSessions.clear();
    }

    byte[] lastCommitTo(long member) {
        return lastCommitTo.get(member);
    }

    /**
     * The gateway → participant direction for a session in this process: opcodes become calls on its
     * {@link DaveSession} (ours or jdave's), each payload in a direct buffer, as JDA hands them over.
     * The commits announced to each user are kept in {@code lastCommitTo}.
     */
    record SessionLink(long userId, DaveSession session, Map<Long, byte[]> lastCommitTo) implements DaveParticipantLink {
        @Override
        public void externalSender(byte[] p) {
            session.onDaveProtocolMLSExternalSenderPackage(direct(p));
        }

        @Override
        public void proposals(byte[] payload) {
            session.onMLSProposals(direct(payload));
        }

        @Override
        public void announceCommit(int transitionId, byte[] commit) {
            lastCommitTo.put(userId, commit);
            session.onMLSPrepareCommitTransition(transitionId, direct(commit));
        }

        @Override
        public void welcome(int transitionId, byte[] welcome) {
            session.onMLSWelcome(transitionId, direct(welcome));
        }

        @Override
        public void prepareTransition(int transitionId, int protocolVersion) {
            session.onDaveProtocolPrepareTransition(transitionId, protocolVersion);
        }

        @Override
        public void executeTransition(int transitionId) {
            session.onDaveProtocolExecuteTransition(transitionId);
        }

        @Override
        public void prepareEpoch(long epoch, int protocolVersion) {
            session.onDaveProtocolPrepareEpoch(epoch, protocolVersion);
        }

        /** jdave hands buffers to libdave as native memory: direct buffers only. */
        static ByteBuffer direct(byte[] bytes) {
            return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        }
    }

    /** The member → gateway direction: queued on the DAVE thread, as a WebSocket message would be. */
    private final class MemberCallbacks implements DaveProtocolCallbacks {
        private final long channelId;
        private final long member;

        MemberCallbacks(long channelId, long member) {
            this.channelId = channelId;
            this.member = member;
        }

        private void queue(Consumer<DaveVoiceGroup> op) {
            run(() -> {
                if (memberSessions.containsKey(member)) op.accept(group(channelId));
            });
        }

        @Override
        public void sendMLSKeyPackage(ByteBuffer keyPackage) {
            byte[] b = bytes(keyPackage);
            queue(g -> {
                g.keyPackage(member, b);
                g.catchUp(member);
            });
        }

        @Override
        public void sendDaveProtocolReadyForTransition(int transitionId) {
            queue(g -> g.ready(member, transitionId));
        }

        @Override
        public void sendMLSCommitWelcome(ByteBuffer commitWelcome) {
            byte[] b = bytes(commitWelcome);
            queue(g -> g.commitWelcome(member, b));
        }

        @Override
        public void sendMLSInvalidCommitWelcome(int transitionId) {
            queue(g -> g.invalidCommitWelcome(member, transitionId));
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
