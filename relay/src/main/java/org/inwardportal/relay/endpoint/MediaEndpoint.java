package org.inwardportal.relay.endpoint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.inwardportal.relay.dtls.DatagramChannelTransport;
import org.inwardportal.relay.dtls.DtlsHandshake;
import org.inwardportal.relay.dtls.DtlsRecords;
import org.inwardportal.relay.dtls.DtlsIdentity;
import org.inwardportal.relay.ice.StunException;
import org.inwardportal.relay.ice.StunMessage;
import org.inwardportal.relay.ice.StunWriter;
import org.inwardportal.relay.net.IoTransport;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.rtp.Rtcp;
import org.inwardportal.relay.rtp.RtcpReports;
import org.inwardportal.relay.rtp.RtpHeader;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.sdp.MediaSection;
import org.inwardportal.relay.sdp.SdpException;
import org.inwardportal.relay.sdp.SdpOfferer;
import org.inwardportal.relay.sdp.SessionDescription;
import org.inwardportal.relay.srtp.SrtpProfile;
import org.inwardportal.relay.srtp.SrtpTransformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's WebRTC endpoint: one UDP port for every peer. Datagrams are demultiplexed by their
 * first byte (RFC 7983 §7: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP), STUN is routed to its session
 * by ICE username fragment and everything else by the remote address a valid STUN request came
 * from. ICE-lite (RFC 8445 §2.5) answers connectivity checks; DTLS-SRTP (RFC 5764) keys the
 * session; SRTP media reaches the {@link MediaSink}. A peer without a valid check for
 * {@code consentTimeout} is closed (RFC 7675). Every dropped datagram is counted by reason.
 */
public final class MediaEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaEndpoint.class);
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /**
     * How the endpoint listens and what it advertises. With no {@code advertised} addresses: the bind
     * address when it is a specific one, else every non-loopback interface address.
     */
    public record Config(String bindHost, int port, List<InetAddress> advertised, Duration consentTimeout,
                         List<SrtpProfile> srtpProfiles) {
        public Config(String bindHost, int port, List<InetAddress> advertised, Duration consentTimeout) {
            this(bindHost, port, advertised, consentTimeout, SrtpProfile.PREFERENCE);
        }

        public static Config defaults() {
            return new Config("0.0.0.0", 0, List.of(), Duration.ofSeconds(30));
        }

        public Config withSrtpProfiles(List<SrtpProfile> profiles) {
            return new Config(bindHost, port, advertised, consentTimeout, profiles);
        }
    }

    private final Config config;
    private final DtlsIdentity identity = new DtlsIdentity();
    private final IoTransport transport = IoTransport.best();
    private final EventLoopGroup group;
    private final Map<String, PeerSession> byUfrag = new ConcurrentHashMap<>();
    /** Event loop only. */
    private final Map<InetSocketAddress, PeerSession> byAddress = new HashMap<>();
    private final Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
    private final SecureRandom random = new SecureRandom();
    private Channel channel;
    /** Event loop only: a flush of this iteration's writes is queued (see {@link #write}). */
    private boolean flushQueued;
    private final Runnable flush = this::flushWrites;
    private ScheduledFuture<?> sweeper;
    private List<InetSocketAddress> candidates;

    public MediaEndpoint(Config config, MeterRegistry registry) {
        this.config = config;
        this.group = transport.newGroup(1, "relay-media");
        for (DropReason r : DropReason.values()) {
            drops.put(r, Counter.builder("relay.endpoint.dropped").tag("reason", r.name().toLowerCase())
                    .description("datagrams the WebRTC endpoint dropped").register(registry));
        }
        registry.gauge("relay.endpoint.sessions", byUfrag, Map::size);
    }

    public void start() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new Handler()).bind(config.bindHost(), config.port()).sync().channel();
        candidates = candidates(port());
        sweeper = channel.eventLoop().scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        log.info("media endpoint on udp {}:{}, candidates {}", config.bindHost(), port(), candidates);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public List<InetSocketAddress> candidates() {
        return candidates;
    }

    public DtlsIdentity identity() {
        return identity;
    }

    public long dropped(DropReason reason) {
        return (long) drops.get(reason).count();
    }

    public int sessionCount() {
        return byUfrag.size();
    }

    private List<InetSocketAddress> candidates(int port) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (!config.advertised().isEmpty()) {
            config.advertised().forEach(a -> out.add(new InetSocketAddress(a, port)));
            return List.copyOf(out);
        }
        InetSocketAddress bound = new InetSocketAddress(config.bindHost(), port);
        if (!bound.getAddress().isAnyLocalAddress()) {
            return List.of(bound);
        }
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (!nic.isUp() || nic.isLoopback()) continue;
                nic.inetAddresses().filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress())
                        .forEach(a -> out.add(new InetSocketAddress(a, port)));
            }
        } catch (SocketException e) {
            log.warn("cannot list network interfaces: {}", e.toString());
        }
        return List.copyOf(out);
    }

    private String randomIce(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        return sb.toString();
    }

    /**
     * Creates a session for a peer's offer and returns it with its answer. Thread-safe (signaling
     * threads call it).
     */
    public PeerSession accept(String offerSdp, Map<String, SdpAnswerer.Track> sending, boolean wantVideo, MediaSink sink)
            throws SdpException {
        SessionDescription offer = SessionDescription.parse(offerSdp);
        String ufrag;
        do {
            ufrag = randomIce(8);
        } while (byUfrag.containsKey(ufrag));
        String pwd = randomIce(24);
        SdpAnswerer.Answer answer = SdpAnswerer.answer(offer,
                new SdpAnswerer.LocalIce(ufrag, pwd, identity.sdpFingerprint(), candidates), sending, wantVideo,
                random.nextLong() & Long.MAX_VALUE);
        PeerSession s = new PeerSession(ufrag, ufrag, pwd, answer, sink);
        byUfrag.put(ufrag, s);
        return s;
    }

    /**
     * An offer that adds send-only audio tracks (one per speaker) to an established session; the
     * peer's answer goes to {@link #applyAnswer}. Thread-safe.
     */
    public synchronized String reoffer(PeerSession s, List<SdpAnswerer.Track> speakers) throws SdpException {
        SdpOfferer.Offer offer = SdpOfferer.reoffer(s.localSdp,
                new SdpAnswerer.LocalIce(s.localUfrag, s.localPwd, identity.sdpFingerprint(), candidates),
                speakers, s.sdpSessionId, ++s.localVersion);
        s.pendingOffer = offer.sdp();
        return offer.sdp();
    }

    /**
     * The peer's answer to {@link #reoffer}: checked (same ICE credentials and certificate, since
     * ICE restarts and new DTLS associations are not supported) and made the session's local
     * description. Returns the mids the peer accepted. Thread-safe.
     */
    public synchronized List<String> applyAnswer(PeerSession s, String answerSdp) throws SdpException {
        if (s.pendingOffer == null) throw new SdpException("no offer is waiting for an answer on this session");
        SessionDescription answer = SessionDescription.parse(answerSdp);
        SessionDescription offer = SessionDescription.parse(s.pendingOffer);
        if (answer.media.size() != offer.media.size()) {
            throw new SdpException("the answer has " + answer.media.size() + " media sections, the offer " + offer.media.size());
        }
        MediaSection first = answer.media.getFirst();
        if (!s.answer.remoteUfrag().equals(first.iceUfrag) || first.fingerprint == null
                || !DtlsIdentity.sameFingerprint(first.fingerprint.substring(first.fingerprint.indexOf(' ') + 1), s.answer.remoteFingerprint())) {
            throw new SdpException("the answer changes the ICE credentials or the certificate: ICE restarts are not supported");
        }
        List<String> accepted = new ArrayList<>();
        for (MediaSection m : answer.media) {
            if (!m.rejected() && m.mid != null) accepted.add(m.mid);
        }
        s.localSdp = s.pendingOffer;
        s.pendingOffer = null;
        return List.copyOf(accepted);
    }

    /** Protects and sends one plain RTP packet to the session's peer; takes ownership of the buffer. */
    public void send(PeerSession s, ByteBuf plainRtp) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> send(s, plainRtp));
            return;
        }
        if (s.state != PeerSession.State.CONNECTED || s.outbound == null || s.selected == null) {
            plainRtp.release();
            return;
        }
        int at = plainRtp.readerIndex();
        if (plainRtp.readableBytes() >= 12) {
            int pt = plainRtp.getUnsignedByte(at + 1) & 0x7f;
            var stats = s.sendStats(plainRtp.getInt(at + 8), pt == s.opusPayloadType ? 48_000 : 90_000);
            if (stats != null) stats.packet(plainRtp.getUnsignedInt(at + 4), plainRtp.readableBytes() - 12, System.nanoTime());
        }
        if (s.outbound.protectRtp(plainRtp) != SrtpTransformer.Result.OK) {
            plainRtp.release();
            return;
        }
        s.packetsOut.incrementAndGet();
        write(new DatagramPacket(plainRtp, s.selected));
    }

    /** Protects and sends one plain RTCP compound packet to the session's peer; takes ownership of the buffer. */
    public void sendRtcp(PeerSession s, ByteBuf plainRtcp) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> sendRtcp(s, plainRtcp));
            return;
        }
        if (s.state != PeerSession.State.CONNECTED || s.outbound == null || s.selected == null
                || s.outbound.protectRtcp(plainRtcp) != SrtpTransformer.Result.OK) {
            plainRtcp.release();
            return;
        }
        write(new DatagramPacket(plainRtcp, s.selected));
    }

    /**
     * Event loop only. Writes a datagram and flushes once after this turn of the loop, with whatever
     * else its reads and tasks wrote: Netty's epoll channel then hands several datagrams to the kernel
     * in one {@code sendmmsg}. A flush per datagram cost a {@code sendto} each (a quarter of this
     * loop's CPU at 20 bindings); the wait is this turn's remaining work, microseconds.
     */
    private void write(DatagramPacket datagram) {
        channel.write(datagram, channel.voidPromise());
        if (!flushQueued) {
            if (channel.eventLoop() instanceof SingleThreadEventLoop loop) {
                flushQueued = true;
                loop.executeAfterEventLoopIteration(flush);
            } else {
                channel.flush();
            }
        }
    }

    private void flushWrites() {
        flushQueued = false;
        channel.flush();
    }

    /** Runs a task on the endpoint's event loop (where sessions and their media are handled). */
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    /** Runs a task every {@code periodNanos} on the endpoint's event loop, first after {@code delayNanos}. */
    public java.util.concurrent.ScheduledFuture<?> every(Runnable task, long delayNanos, long periodNanos) {
        return channel.eventLoop().scheduleAtFixedRate(task, delayNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Closes a session and frees what it holds. Thread-safe. */
    public void close(PeerSession s, String reason) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> close(s, reason));
            return;
        }
        if (s.state == PeerSession.State.CLOSED) return;
        s.closeReason = reason; // before the state: whoever sees CLOSED (another thread) sees the reason
        s.state = PeerSession.State.CLOSED;
        byUfrag.remove(s.localUfrag, s);
        byAddress.values().removeIf(v -> v == s);
        if (s.dtls != null) s.dtls.close();
        log.debug("{} closed: {}", s, reason);
        s.sink.onClosed(s, reason);
    }

    /** RFC 3550 §6.4: once a second each connected session gets an SR (if the relay sent on it) or an RR. */
    private void report(PeerSession s, long now) {
        if (s.state != PeerSession.State.CONNECTED || (s.receiveStats.isEmpty() && s.sendStats.isEmpty())) return;
        ByteBuf out = channel.alloc().buffer(256);
        RtcpReports.write(out, RELAY_RTCP_SSRC, s.sendStats.isEmpty() ? null : s.sendStats.getFirst(), s.receiveStats, now);
        sendRtcp(s, out);
    }

    /** The SSRC the relay's receiver reports come from on sessions where it sends nothing. */
    static final int RELAY_RTCP_SSRC = 0x1E1A7;

    private void sweep() {
        long now = System.nanoTime();
        for (PeerSession s : byUfrag.values()) report(s, now);
        long limit = config.consentTimeout().toNanos();
        for (PeerSession s : List.copyOf(byUfrag.values())) {
            long last = s.lastConsentNanos == 0 ? s.createdNanos : s.lastConsentNanos;
            if (now - last > limit) {
                close(s, s.lastConsentNanos == 0 ? "no ICE connectivity check within " + config.consentTimeout().toSeconds() + " s"
                        : "consent expired: no valid connectivity check for " + config.consentTimeout().toSeconds() + " s (RFC 7675)");
            }
        }
    }

    private void drop(DropReason r) {
        drops.get(r).increment();
    }

    private void startDtls(PeerSession s) {
        s.dtlsTransport = new DatagramChannelTransport(bytes -> {
            InetSocketAddress to = s.selected;
            if (to != null && s.state != PeerSession.State.CLOSED) {
                channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to), channel.voidPromise());
            }
        });
        s.dtls = new DtlsHandshake(identity, s.answer.remoteFingerprint(), s.dtlsTransport, config.srtpProfiles());
        s.state = PeerSession.State.CONNECTING;
        s.dtls.start(s.id,
                keys -> channel.eventLoop().execute(() -> {
                    if (s.state == PeerSession.State.CLOSED) return;
                    s.inbound = new SrtpTransformer(keys.inbound());
                    s.outbound = new SrtpTransformer(keys.outbound());
                    s.state = PeerSession.State.CONNECTED;
                    s.profile = keys.inbound().profile();
                    log.debug("{} connected ({})", s, s.profile);
                    s.sink.onConnected(s);
                }),
                failure -> close(s, failure),
                () -> close(s, "DTLS closed by the peer"));
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final StunMessage stun = new StunMessage();
        private final RtpHeader rtp = new RtpHeader();
        private final MediaFrame frame = new MediaFrame();
        private final CRC32 crc = new CRC32();
        private final byte[] scratch20 = new byte[20];

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf b = packet.content();
            int n = b.readableBytes();
            if (n == 0) {
                drop(DropReason.GARBAGE);
                return;
            }
            if (n > SrtpTransformer.MAX_PACKET) {
                drop(DropReason.OVERSIZED);
                return;
            }
            int first = b.getUnsignedByte(b.readerIndex());
            if (first <= 3) {
                onStun(ctx, b, packet.sender());
            } else if (first >= 20 && first <= 63) {
                onDtls(b, packet.sender());
            } else if (first >= 128 && first <= 191) {
                onRtp(b, packet.sender());
            } else {
                drop(DropReason.GARBAGE);
            }
        }

        private void onStun(ChannelHandlerContext ctx, ByteBuf b, InetSocketAddress from) {
            if (!StunMessage.looksLikeStun(b)) {
                drop(DropReason.STUN_MALFORMED);
                return;
            }
            try {
                stun.parse(b);
            } catch (StunException e) {
                drop(DropReason.STUN_MALFORMED);
                return;
            }
            if (!stun.isBindingRequest()) {
                drop(DropReason.STUN_NOT_A_REQUEST);
                return;
            }
            String ufrag = stun.localUfrag();
            PeerSession s = ufrag == null ? null : byUfrag.get(ufrag);
            if (s == null) {
                drop(DropReason.STUN_UNKNOWN_UFRAG);
                return;
            }
            if (stun.hasFingerprint() && !stun.fingerprintMatches(crc)) {
                drop(DropReason.STUN_BAD_FINGERPRINT);
                return;
            }
            if (!stun.integrityMatches(s.localMac, scratch20)) {
                drop(DropReason.STUN_BAD_INTEGRITY);
                ByteBuf err = ctx.alloc().buffer(64);
                StunWriter.bindingError(err, stun, 401, "Unauthorized", crc);
                write(new DatagramPacket(err, from));
                return;
            }
            s.lastConsentNanos = System.nanoTime();
            PeerSession owner = byAddress.putIfAbsent(from, s);
            if (owner != null && owner != s) byAddress.put(from, s); // the address moved to a new session
            if (s.selected == null || (stun.useCandidate() && !from.equals(s.selected))) {
                s.selected = from;
            }
            if (stun.useCandidate()) s.nominated = true;
            ByteBuf res = ctx.alloc().buffer(96);
            StunWriter.bindingSuccess(res, stun, from, s.localMac, crc, scratch20);
            write(new DatagramPacket(res, from));
            if (s.dtls == null) startDtls(s);
        }

        private void onDtls(ByteBuf b, InetSocketAddress from) {
            PeerSession s = byAddress.get(from);
            if (s == null || s.dtlsTransport == null) {
                drop(DropReason.UNKNOWN_PEER);
                return;
            }
            if (!DtlsRecords.wellFormed(b)) {
                drop(DropReason.DTLS_MALFORMED);
                return;
            }
            byte[] copy = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), copy);
            if (!s.dtlsTransport.offer(copy)) drop(DropReason.DTLS_QUEUE_FULL);
        }

        private void onRtp(ByteBuf b, InetSocketAddress from) {
            PeerSession s = byAddress.get(from);
            if (s == null) {
                drop(DropReason.UNKNOWN_PEER);
                return;
            }
            if (s.inbound == null) {
                drop(DropReason.SRTP_BEFORE_KEYS);
                return;
            }
            int pt = b.getUnsignedByte(b.readerIndex() + 1) & 0x7f;
            boolean rtcp = pt >= 64 && pt <= 95; // RFC 5761 §4: RTCP packet types 192-223 on a muxed port
            SrtpTransformer.Result r = rtcp ? s.inbound.unprotectRtcp(b) : s.inbound.unprotectRtp(b);
            switch (r) {
                case OK -> {
                }
                case AUTH_FAILED -> {
                    drop(DropReason.SRTP_AUTH_FAILED);
                    return;
                }
                case REPLAYED -> {
                    drop(DropReason.SRTP_REPLAYED);
                    return;
                }
                case TOO_MANY_SSRCS -> {
                    drop(DropReason.SRTP_TOO_MANY_SSRCS);
                    return;
                }
                default -> {
                    drop(DropReason.SRTP_MALFORMED);
                    return;
                }
            }
            s.packetsIn.incrementAndGet();
            if (rtcp) {
                long now = System.nanoTime();
                Rtcp.forEach(b, (buf, at, type, count, length) -> {
                    if (type == Rtcp.SR && length >= 28) {
                        var stats = s.receiveStats(buf.getInt(at + 4), 0);
                        if (stats != null && stats.started()) stats.senderReport(buf.getLong(at + 8), now);
                    }
                });
                s.sink.onRtcp(s, b);
                return;
            }
            if (!rtp.parse(b)) {
                drop(DropReason.SRTP_MALFORMED);
                return;
            }
            if (rtp.payloadType == s.opusPayloadType) {
                frame.kind = MediaFrame.Kind.AUDIO;
                int level = s.audioLevelExtension == 0 ? -1 : rtp.extensionByte(s.audioLevelExtension);
                frame.audioLevel = level < 0 ? -1 : level & 0x7f;
                frame.voiceActivity = level >= 0 && (level & 0x80) != 0;
            } else if (s.videoPayloadTypes[rtp.payloadType]) {
                frame.kind = MediaFrame.Kind.VIDEO;
                frame.audioLevel = -1;
                frame.voiceActivity = false;
            } else {
                drop(DropReason.RTP_UNKNOWN_PAYLOAD_TYPE);
                return;
            }
            var stats = s.receiveStats(rtp.ssrc, frame.kind == MediaFrame.Kind.AUDIO ? 48_000 : 90_000);
            long arrival = System.nanoTime();
            if (stats != null) stats.packet(rtp.sequence, rtp.timestamp, arrival);
            frame.ssrc = rtp.ssrc;
            frame.payloadType = rtp.payloadType;
            frame.sequence = rtp.sequence;
            frame.timestamp = rtp.timestamp;
            frame.marker = rtp.marker;
            frame.arrivalNanos = arrival;
            frame.buffer = b;
            frame.payloadOffset = rtp.payloadIndex();
            frame.payloadLength = rtp.payloadLength;
            s.sink.onMedia(s, frame);
            frame.buffer = null;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("media endpoint: {}", cause.toString()); // one bad datagram must not stop the socket
        }
    }

    @Override
    public void close() {
        if (sweeper != null) sweeper.cancel(false);
        if (channel != null) {
            channel.eventLoop().submit(() -> List.copyOf(byUfrag.values()).forEach(s -> close(s, "endpoint stopped")))
                    .syncUninterruptibly();
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
