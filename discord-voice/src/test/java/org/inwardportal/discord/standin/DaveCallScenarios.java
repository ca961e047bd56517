package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.audio.AudioModuleConfig;
import net.dv8tion.jda.api.audio.AudioReceiveHandler;
import net.dv8tion.jda.api.audio.AudioSendHandler;
import net.dv8tion.jda.api.audio.OpusPacket;
import net.dv8tion.jda.api.audio.dave.DaveSessionFactory;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.inwardportal.discord.dave.JavaDaveSession;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real JDA 6.5 with a DAVE session factory (the subclass's) against the DAVE-speaking stand-in,
 * whose emulated members run the pure-Java session: the group forms over the voice gateway, audio
 * flows end-to-end encrypted both ways (the stand-in's transport sees only DAVE frames; members
 * decrypt the bot's audio and the bot decrypts theirs), and a member joining and leaving mid-call
 * moves the group to new epochs, with the frames lost counted.
 */
abstract class DaveCallScenarios {
    protected final DiscordStandIn standIn = start();
    protected JDA jda;
    protected JDA secondBot;

    /** The bot's DAVE implementation. */
    protected abstract DaveSessionFactory factory();

    /** The bot's epoch authenticator when the implementation shows it, else null. */
    protected byte[] botEpochAuthenticator() {
        return null;
    }

    /** After {@link #aCorruptedCommitOrWelcomeIsReportedWithOp31AndTheBotIsReAdded}: what the implementation shows of its recovery. */
    protected void afterReportedHandshake(EmulatedMember alice) {}

    protected static DiscordStandIn start() {
        try {
            DiscordStandIn d = DiscordStandIn.start();
            d.enableDave();
            return d;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        if (jda != null) jda.shutdownNow();
        if (secondBot != null) secondBot.shutdownNow();
        standIn.close();
    }

    protected JDA login(StandInWorld.User bot, DaveSessionFactory dave) throws InterruptedException {
        JDABuilder b = JDABuilder.createDefault(bot.token(), EnumSet.of(GatewayIntent.GUILD_VOICE_STATES))
                .enableCache(CacheFlag.VOICE_STATE);
        if (dave != null) b.setAudioModuleConfig(new AudioModuleConfig().withDaveSessionFactory(dave));
        return DiscordEndpoints.standIn(standIn).applyTo(b).build().awaitReady();
    }

    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    static byte[] marker(String who, int n) {
        return ("\u00fc" + who + "#" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    static int markerNumber(byte[] opus, String who) {
        String s = new String(opus, StandardCharsets.ISO_8859_1);
        String prefix = "\u00fc" + who + "#";
        return s.startsWith(prefix) ? Integer.parseInt(s.substring(prefix.length())) : -1;
    }

    /** Sends what is queued, one frame per 20 ms. */
    private static final class Outbox implements AudioSendHandler {
        final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();

        @Override
        public boolean canProvide() {
            return !queue.isEmpty();
        }

        @Override
        public ByteBuffer provide20MsAudio() {
            return ByteBuffer.wrap(queue.poll());
        }

        @Override
        public boolean isOpus() {
            return true;
        }
    }

    /** What JDA hands over, decrypted by its DAVE session. */
    private static final class Inbox implements AudioReceiveHandler {
        final ConcurrentLinkedQueue<OpusPacket> packets = new ConcurrentLinkedQueue<>();

        @Override
        public boolean canReceiveEncoded() {
            return true;
        }

        @Override
        public void handleEncodedAudio(OpusPacket packet) {
            packets.add(packet);
        }
    }

    private Guild joinBot(StandInWorld.User bot, Outbox out, Inbox in) throws InterruptedException {
        jda = login(bot, factory());
        return joinVoice(jda, out, in);
    }

    private Guild joinVoice(JDA client, Outbox out, Inbox in) {
        Guild guild = client.getGuildById(standIn.world().guildId());
        guild.getAudioManager().setSendingHandler(out);
        guild.getAudioManager().setReceivingHandler(in);
        guild.getAudioManager().openAudioConnection(guild.getVoiceChannelsByName("World", false).getFirst());
        return guild;
    }

    @Test
    void jdaWithThePureJavaSessionJoinsTheGroupAndAudioIsEndToEndEncryptedBothWays() throws Exception {
        Call call = botAndAliceInOneGroup();
        StandInWorld.User bot = call.bot();
        EmulatedMember alice = call.alice();
        long channel = call.channel();
        Outbox out = call.out();
        Inbox in = call.in();
        DaveGroupStats group = standIn.daveGroup(channel);
        assertThat(group.established()).isTrue();
        assertThat(group.leaves()).containsExactlyInAnyOrder(bot.id(), alice.id());
        assertThat(group.keyPackagesRefused()).as("key packages the gateway could not use").isZero();
        assertThat(standIn.daveSession(alice.id()).groupMembers()).containsExactlyInAnyOrder(bot.id(), alice.id());
        if (botEpochAuthenticator() != null) {
            assertThat(botEpochAuthenticator()).isEqualTo(standIn.daveSession(alice.id()).epochAuthenticator());
        }

        // Bot → Alice.
        alice.clearHeard();
        long framesBefore = standIn.botFrames();
        long daveBefore = standIn.botDaveFrames();
        long failuresBefore = standIn.memberDecryptFailures(); // probes sent before the bot had keys may count
        List<byte[]> said = new ArrayList<>();
        for (int i = 0; i < 50; i++) said.add(marker("bot", i));
        out.queue.addAll(said);
        List<Heard> heard = alice.awaitHeard(50, Duration.ofSeconds(10));
        assertThat(heard).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(heard.get(i).opus()).isEqualTo(said.get(i));
            assertThat(heard.get(i).fromUserId()).isEqualTo(bot.id());
        }
        long frames = standIn.botFrames() - framesBefore;
        assertThat(frames).isGreaterThanOrEqualTo(50);
        assertThat(standIn.botDaveFrames() - daveBefore).as("every frame on the transport is a DAVE frame").isEqualTo(frames);
        assertThat(standIn.memberDecryptFailures() - failuresBefore).as("frames Alice could not decrypt").isZero();

        // Alice → bot: her client encrypts, JDA's session decrypts.
        List<byte[]> aliceSays = new ArrayList<>();
        for (int i = 0; i < 25; i++) aliceSays.add(marker("alice", i));
        alice.speak(aliceSays).get(5, TimeUnit.SECONDS);
        await("25 frames from Alice", 5, () -> in.packets.size() >= 25);
        List<OpusPacket> got = new ArrayList<>(in.packets);
        assertThat(got).hasSize(25);
        for (int i = 0; i < 25; i++) {
            assertThat(got.get(i).getOpusAudio()).isEqualTo(aliceSays.get(i));
            assertThat(got.get(i).getUserId()).isEqualTo(alice.id());
        }
        assertThat(standIn.daveSession(alice.id()).refusedMessages()).isZero();
    }

    /** A bot and Alice in one DAVE group in channel "World", the bot's audio handlers ready. */
    private record Call(StandInWorld.User bot, EmulatedMember alice, StandInWorld.GuildChannel world, long channel, Outbox out, Inbox in) {}

    private Call botAndAliceInOneGroup() throws InterruptedException {
        StandInWorld.User bot = standIn.addBot("Portal");
        EmulatedMember alice = standIn.addMember("Alice");
        var world = standIn.world().channel("World");
        alice.joinVoice(world);
        Call call = new Call(bot, alice, world, world.id(), new Outbox(), new Inbox());
        joinBot(bot, call.out(), call.in());
        awaitGroupOf(call.channel(), bot.id(), alice, call.out());
        return call;
    }

    /** The gateway saw a commit and executed its transition, and Alice sends with the group's keys. */
    private void awaitGroupOf(long channel, long botId, EmulatedMember alice, Outbox out) throws InterruptedException {
        await("the bot and Alice in one DAVE group, transition executed", 10, () -> {
            DaveGroupStats g = standIn.daveGroup(channel);
            JavaDaveSession a = standIn.daveSession(alice.id());
            return g.established() && g.leaves().contains(botId) && g.transitionsExecuted() >= 1
                    && a != null && a.sendingEncrypted() && a.epoch() == g.epoch();
        });
        awaitBotAudioReaches(alice, out, botId);
    }

    /**
     * The gateway counts a transition as executed when it sends op 22; the bot switches keys only
     * once JDA has read it (before its first key it sends silence, after it a new member cannot read
     * the old epoch). Probes the bot's audio until {@code listener} hears one, then lets the strays drain.
     */
    static void awaitBotAudioReaches(EmulatedMember listener, Outbox out, long botId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int k = 0; ; k++) {
            byte[] probe = marker("probe", k);
            out.queue.add(probe);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < until) {
                if (listener.heard().stream().anyMatch(h -> h.fromUserId() == botId && Arrays.equals(h.opus(), probe))) {
                    await("the probes sent", 5, out.queue::isEmpty);
                    Thread.sleep(100);
                    return;
                }
                Thread.sleep(10);
            }
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for the bot's audio to reach " + listener.id());
        }
    }

    /** Who may commit: anyone (the first commit of an epoch wins), only the bot, or only Alice (the pure-Java member). */
    enum Committer { ANYONE, BOT, ALICE }

    @Test
    void aMemberJoiningAndLeavingMidCallMovesTheGroupToNewEpochsAndAliceLosesAtMostAFrame() throws Exception {
        midCall(Committer.ANYONE);
    }

    /** Every epoch (creation, Bob's Add, Bob's Remove) made by the bot's implementation; the members follow its commits and Welcome. */
    @Test
    void theBotMakesEveryCommitAndTheMembersFollow() throws Exception {
        midCall(Committer.BOT);
    }

    /** Every epoch made by Alice's pure-Java session; the bot joins from her Welcome and follows her commits. */
    @Test
    void aliceMakesEveryCommitAndTheBotFollows() throws Exception {
        midCall(Committer.ALICE);
    }

    private void midCall(Committer committer) throws Exception {
        StandInWorld.User bot = standIn.addBot("Portal");
        EmulatedMember alice = standIn.addMember("Alice");
        EmulatedMember bob = standIn.addMember("Bob");
        var world = standIn.world().channel("World");
        long channel = world.id();
        if (committer != Committer.ANYONE) standIn.daveCommitsOnlyFrom(channel, committer == Committer.BOT ? bot.id() : alice.id());
        alice.joinVoice(world);
        Outbox out = new Outbox();
        Inbox in = new Inbox();
        joinBot(bot, out, in);
        awaitGroupOf(channel, bot.id(), alice, out);
        long epochBefore = standIn.daveGroup(channel).epoch();
        long transitionsBefore = standIn.daveGroup(channel).transitionsExecuted();

        // 5 s of numbered frames each way while Bob joins and leaves.
        int n = 250;
        for (int i = 0; i < n; i++) out.queue.add(marker("bot", i));
        List<byte[]> aliceSays = new ArrayList<>();
        for (int i = 0; i < n; i++) aliceSays.add(marker("alice", i));
        alice.clearHeard();
        var aliceSpeaking = alice.speak(aliceSays);
        Thread.sleep(1200);
        bob.joinVoice(world);
        await("Bob in the group (new epoch)", 5, () -> standIn.daveGroup(channel).epoch() == epochBefore + 1
                && standIn.daveGroup(channel).transitionsExecuted() == transitionsBefore + 1);
        assertThat(standIn.daveGroup(channel).leaves()).contains(bob.id());
        Thread.sleep(1500);
        bob.leaveVoice();
        await("Bob removed (new epoch)", 5, () -> standIn.daveGroup(channel).epoch() == epochBefore + 2
                && standIn.daveGroup(channel).transitionsExecuted() == transitionsBefore + 2);
        assertThat(standIn.daveGroup(channel).leaves()).doesNotContain(bob.id());
        aliceSpeaking.get(10, TimeUnit.SECONDS);
        await("the bot's frames sent", 10, out.queue::isEmpty);
        Thread.sleep(300);

        Set<Integer> aliceHeard = new HashSet<>();
        for (Heard h : alice.heard()) {
            int k = markerNumber(h.opus(), "bot");
            if (k >= 0) aliceHeard.add(k);
        }
        Set<Integer> botHeard = new HashSet<>();
        for (OpusPacket p : in.packets) {
            int k = markerNumber(p.getOpusAudio(), "alice");
            if (k >= 0 && p.getUserId() == alice.id()) botHeard.add(k);
        }
        int aliceLost = n - aliceHeard.size();
        int botLost = n - botHeard.size();
        int bobHeard = (int) bob.heard().stream().filter(h -> markerNumber(h.opus(), "bot") >= 0).count();
        System.out.printf(getClass().getSimpleName() + " (" + committer + " commits): DAVE mid-call join/leave: Alice lost %d of %d bot frames, the bot lost %d of %d of Alice's, Bob heard %d,"
                + " members' decrypt failures %d%n", aliceLost, n, botLost, n, bobHeard, standIn.memberDecryptFailures());
        assertThat(aliceLost).as("frames Alice lost across two epoch changes").isLessThanOrEqualTo(1);
        assertThat(botLost).as("frames the bot lost across two epoch changes").isLessThanOrEqualTo(1);
        assertThat(bobHeard).as("Bob heard the bot while in the group").isGreaterThan(20);
        assertThat(standIn.daveGroup(channel).keyPackagesRefused()).isZero();
        if (committer != Committer.ANYONE) {
            // The group's creator sits in leaf 0; the other side's commits were all turned down.
            long only = committer == Committer.BOT ? bot.id() : alice.id();
            assertThat(standIn.daveGroup(channel).leaves().getFirst()).isEqualTo(only);
            assertThat(standIn.daveGroup(channel).commitsRefused()).as("the other side's commits").isGreaterThanOrEqualTo(2);
        }
        assertThat(standIn.daveGroup(channel).commitsAccepted()).isGreaterThanOrEqualTo(3);
        assertThat(standIn.daveSession(alice.id()).epoch()).isEqualTo(epochBefore + 2);
        assertThat(standIn.daveSession(alice.id()).groupMembers()).containsExactlyInAnyOrder(bot.id(), alice.id());
    }

    /**
     * The bot's voice WebSocket is closed with 1001 (going away: JDA 6.5 resumes after that, but
     * not after 4015, which it treats as "cannot resume") and Bob joins before the gateway answers the bot's
     * RESUME: the gateway replays what the bot missed (voice gateway v8 buffered resume), so the
     * bot stays in the group, follows Bob's epoch without identifying again, and audio flows both
     * ways among all three.
     */
    @Test
    void aResumingBotGetsTheDaveMessagesItMissedAndStaysInTheGroup() throws Exception {
        Call call = botAndAliceInOneGroup();
        StandInWorld.User bot = call.bot();
        EmulatedMember alice = call.alice();
        EmulatedMember bob = standIn.addMember("Bob");
        var world = call.world();
        long channel = call.channel();
        Outbox out = call.out();
        Inbox in = call.in();
        long epochBefore = standIn.daveGroup(channel).epoch();

        standIn.faults().voiceResumeDelay(Duration.ofMillis(1500));
        assertThat(standIn.closeVoice(bot.id(), 1001)).isTrue();
        bob.joinVoice(world);
        await("Bob in the group (new epoch)", 10, () -> standIn.daveGroup(channel).epoch() == epochBefore + 1
                && standIn.daveGroup(channel).leaves().contains(bob.id()));
        await("the bot's voice session resumed", 10, () -> standIn.voiceResumes(bot.id()) == 1);
        standIn.faults().clear();
        assertThat(standIn.voiceMessagesReplayed()).as("messages sent while the bot was away, replayed").isPositive();
        assertThat(standIn.daveGroup(channel).leaves()).as("the bot was never removed").contains(bot.id(), alice.id(), bob.id());
        await("Alice and Bob on the new epoch", 10, () -> standIn.daveSession(alice.id()).epoch() == epochBefore + 1
                && standIn.daveSession(bob.id()).epoch() == epochBefore + 1 && standIn.daveSession(bob.id()).sendingEncrypted());
        awaitBotAudioReaches(bob, out, bot.id());

        alice.clearHeard();
        bob.clearHeard();
        List<byte[]> said = new ArrayList<>();
        for (int i = 0; i < 50; i++) said.add(marker("bot", i));
        out.queue.addAll(said);
        assertThat(alice.awaitHeard(50, Duration.ofSeconds(10))).extracting(Heard::opus).containsExactlyElementsOf(said);
        assertThat(bob.awaitHeard(50, Duration.ofSeconds(10))).extracting(Heard::opus).containsExactlyElementsOf(said);
        // Bob's first words map his SSRC in JDA (op 5 races his first UDP frames; JDA drops unmapped ones); then 25 counted.
        bob.speak(List.of(marker("bob-hello", 0), marker("bob-hello", 1))).get(5, TimeUnit.SECONDS);
        Thread.sleep(300);
        in.packets.clear();
        List<byte[]> bobSays = new ArrayList<>();
        for (int i = 0; i < 25; i++) bobSays.add(marker("bob", i));
        bob.speak(bobSays).get(5, TimeUnit.SECONDS);
        await("25 frames from Bob", 5, () -> in.packets.size() >= 25);
        assertThat(in.packets).extracting(OpusPacket::getOpusAudio).containsExactlyElementsOf(bobSays);
        assertThat(standIn.voiceIdentifies(bot.id())).as("resumed, not identified again").isEqualTo(1);
        if (botEpochAuthenticator() != null) {
            assertThat(botEpochAuthenticator()).isEqualTo(standIn.daveSession(alice.id()).epochAuthenticator());
        }
    }

    /**
     * Two bots in one DAVE call: both are group members, each hears the other (the SFU forwards
     * bot frames to bots, still end-to-end encrypted) and Alice hears both; when one leaves, the
     * group moves on without it and the other keeps talking.
     */
    @Test
    void twoBotsInOneCallAreBothGroupMembersAndHearEachOther() throws Exception {
        StandInWorld.User first = standIn.addBot("Portal");
        StandInWorld.User second = standIn.addBot("Portal Two");
        EmulatedMember alice = standIn.addMember("Alice");
        var world = standIn.world().channel("World");
        long channel = world.id();
        alice.joinVoice(world);
        Outbox firstOut = new Outbox();
        Inbox firstIn = new Inbox();
        joinBot(first, firstOut, firstIn);
        awaitGroupOf(channel, first.id(), alice, firstOut);
        Outbox secondOut = new Outbox();
        Inbox secondIn = new Inbox();
        secondBot = login(second, factory());
        Guild secondGuild = joinVoice(secondBot, secondOut, secondIn);
        awaitGroupOf(channel, second.id(), alice, secondOut);
        firstIn.packets.clear(); // the second bot's probes and the silence it sent before its first key
        secondIn.packets.clear();
        long failuresBefore = standIn.memberDecryptFailures(); // a probe sent before Alice knew the second bot's key may count
        assertThat(standIn.daveGroup(channel).leaves()).containsExactlyInAnyOrder(first.id(), second.id(), alice.id());
        assertThat(standIn.daveSession(alice.id()).groupMembers()).containsExactlyInAnyOrder(first.id(), second.id(), alice.id());

        alice.clearHeard();
        List<byte[]> firstSays = new ArrayList<>();
        List<byte[]> secondSays = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            firstSays.add(marker("first", i));
            secondSays.add(marker("second", i));
        }
        firstOut.queue.addAll(firstSays);
        secondOut.queue.addAll(secondSays);
        try {
            await("each bot heard the other's 40 frames", 10, () -> heardFrom(secondIn, first.id()).size() >= 40
                    && heardFrom(firstIn, second.id()).size() >= 40);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": the second bot got " + secondIn.packets.stream().map(p -> p.getUserId() + "/" + p.getOpusAudio().length).toList()
                    + ", the first " + firstIn.packets.stream().map(p -> p.getUserId() + "/" + p.getOpusAudio().length).toList() + ", bot-to-bot frames " + standIn.botToBotFrames());
        }
        assertThat(heardFrom(secondIn, first.id())).containsExactlyElementsOf(firstSays);
        assertThat(heardFrom(firstIn, second.id())).containsExactlyElementsOf(secondSays);
        await("Alice heard both bots", 10, () -> alice.heard().size() >= 80);
        assertThat(alice.heard().stream().filter(h -> h.fromUserId() == first.id()).map(Heard::opus).toList())
                .containsExactlyElementsOf(firstSays);
        assertThat(alice.heard().stream().filter(h -> h.fromUserId() == second.id()).map(Heard::opus).toList())
                .containsExactlyElementsOf(secondSays);
        assertThat(standIn.botToBotFrames()).isGreaterThanOrEqualTo(80);
        assertThat(standIn.memberDecryptFailures() - failuresBefore).as("frames Alice could not decrypt").isZero();

        long epochBefore = standIn.daveGroup(channel).epoch();
        secondGuild.getAudioManager().closeAudioConnection();
        await("the second bot removed (new epoch)", 10, () -> standIn.daveGroup(channel).epoch() == epochBefore + 1
                && !standIn.daveGroup(channel).leaves().contains(second.id())
                && standIn.daveSession(alice.id()).epoch() == epochBefore + 1);
        // No wait for the first bot's switch: Alice keeps the previous epoch's keys, so she reads its frames either side of it.
        alice.clearHeard();
        List<byte[]> after = new ArrayList<>();
        for (int i = 0; i < 20; i++) after.add(marker("first-after", i));
        firstOut.queue.addAll(after);
        assertThat(alice.awaitHeard(20, Duration.ofSeconds(10))).extracting(Heard::opus).containsExactlyElementsOf(after);
        assertThat(standIn.daveSession(alice.id()).groupMembers()).containsExactlyInAnyOrder(first.id(), alice.id());
    }

    /**
     * Bob joins while the gateway holds commits and leaves before any is taken: the gateway
     * revokes his Add (op 27, revoke). Then only the bot may commit, and Carol joins: the bot's
     * commit must reference her Add alone, which it does only if it dropped Bob's.
     */
    @Test
    void aRevokedAddIsDroppedAndTheNextCommitLeavesItOut() throws Exception {
        Call call = botAndAliceInOneGroup();
        StandInWorld.User bot = call.bot();
        EmulatedMember alice = call.alice();
        EmulatedMember bob = standIn.addMember("Bob");
        EmulatedMember carol = standIn.addMember("Carol");
        var world = call.world();
        long channel = call.channel();
        Outbox out = call.out();
        long epochBefore = standIn.daveGroup(channel).epoch();
        long refusedBefore = standIn.daveGroup(channel).commitsRefused();

        standIn.daveHoldCommits(channel, true);
        bob.joinVoice(world);
        await("the bot's and Alice's commits adding Bob, held", 10,
                () -> standIn.daveGroup(channel).commitsRefused() >= refusedBefore + 2);
        bob.leaveVoice();
        await("Bob's Add revoked", 5, () -> standIn.daveGroup(channel).revokes() == 1);
        Thread.sleep(300); // the revoke reaches the bot and Alice
        standIn.daveHoldCommits(channel, false);
        standIn.daveCommitsOnlyFrom(channel, bot.id());
        carol.joinVoice(world);
        await("Carol added by the bot's commit", 10, () -> standIn.daveGroup(channel).epoch() == epochBefore + 1
                && standIn.daveGroup(channel).leaves().contains(carol.id())
                && standIn.daveSession(carol.id()) != null && standIn.daveSession(carol.id()).sendingEncrypted());
        assertThat(standIn.daveGroup(channel).leaves()).containsExactlyInAnyOrder(bot.id(), alice.id(), carol.id());
        await("Alice on the new epoch", 5, () -> standIn.daveSession(alice.id()).epoch() == epochBefore + 1);
        assertThat(standIn.daveSession(alice.id()).groupMembers()).containsExactlyInAnyOrder(bot.id(), alice.id(), carol.id());
        assertThat(standIn.daveSession(alice.id()).refusedMessages()).as("Alice's session took the revoke").isZero();
        awaitBotAudioReaches(carol, out, bot.id());

        carol.clearHeard();
        List<byte[]> said = new ArrayList<>();
        for (int i = 0; i < 20; i++) said.add(marker("bot", i));
        out.queue.addAll(said);
        assertThat(carol.awaitHeard(20, Duration.ofSeconds(10))).extracting(Heard::opus).containsExactlyElementsOf(said);
        if (botEpochAuthenticator() != null) {
            assertThat(botEpochAuthenticator()).isEqualTo(standIn.daveSession(carol.id()).epochAuthenticator());
        }
    }

    /**
     * Whitepaper "Recovery from Invalid Commit or Welcome": the first handshake message the bot
     * gets (the Welcome, or its own commit announced back) has a byte flipped; the bot reports it
     * with op 31, resets, and is added again; Alice then hears it.
     */
    @Test
    void aCorruptedCommitOrWelcomeIsReportedWithOp31AndTheBotIsReAdded() throws Exception {
        StandInWorld.User bot = standIn.addBot("Portal");
        EmulatedMember alice = standIn.addMember("Alice");
        var world = standIn.world().channel("World");
        alice.joinVoice(world);
        await("Alice's session", 5, () -> standIn.daveSession(alice.id()) != null);
        standIn.corruptNextDaveHandshake(world.id(), bot.id()); // whichever the bot gets first: the welcome or its own commit
        Outbox out = new Outbox();
        joinBot(bot, out, new Inbox());
        await("the bot reported the bad handshake and was re-added", 10, () -> {
            DaveGroupStats g = standIn.daveGroup(world.id());
            // Alone with Alice, the bot's report leaves her the sole holder: the gateway re-creates the group (epoch 1 again).
            return g.invalidReports() == 1 && g.established() && g.leaves().contains(bot.id())
                    && g.transitionsExecuted() >= 2 && standIn.daveSession(alice.id()).epoch() == g.epoch();
        });
        awaitBotAudioReaches(alice, out, bot.id());
        afterReportedHandshake(alice);
        alice.clearHeard();
        List<byte[]> said = new ArrayList<>();
        for (int i = 0; i < 20; i++) said.add(marker("bot", i));
        out.queue.addAll(said);
        assertThat(alice.awaitHeard(20, Duration.ofSeconds(10))).extracting(Heard::opus).containsExactlyElementsOf(said);
        assertThat(standIn.daveGroup(world.id()).invalidReports()).as("one report, no loop").isEqualTo(1);
    }

    private static List<byte[]> heardFrom(Inbox in, long userId) {
        return in.packets.stream().filter(p -> p.getUserId() == userId).map(OpusPacket::getOpusAudio).toList();
    }
}
