package org.inwardportal.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.rtp.RtpHeader;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpProfile;
import org.inwardportal.relay.srtp.SrtpTransformer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The endpoint's receive path for one audio packet, as its handler runs it after Netty's socket
 * read: first-byte demux, session lookup by address, SRTP unprotect, RTP header and audio-level
 * parse, the MediaFrame filled, and the Opus payload copied into a pre-allocated ring slot.
 * Throughput per core, and with {@code -prof gc} the bytes allocated per packet (target: 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "-Dio.netty.noUnsafe=false"})
public class ReceivePathBenchmark {
    static final int PACKETS = 1 << 15;
    static final int SLOTS = 1024;

    @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    private SrtpKeys keys;
    private SrtpTransformer receiver;
    private byte[][] packets;
    private int next;
    private ByteBuf datagram;
    private final Map<InetSocketAddress, Object> sessions = new HashMap<>();
    private final InetSocketAddress from = new InetSocketAddress("10.213.0.2", 40000);
    private final RtpHeader header = new RtpHeader();
    private final MediaFrame frame = new MediaFrame();
    private final byte[][] ring = new byte[SLOTS][1500];
    private final int[] ringLength = new int[SLOTS];
    private int slot;

    @Setup
    public void setup() {
        Random r = new Random(2);
        byte[] mk = new byte[16];
        byte[] ms = new byte[profile.saltBytes];
        r.nextBytes(mk);
        r.nextBytes(ms);
        keys = SrtpKeys.derive(profile, mk, ms);
        SrtpTransformer sender = new SrtpTransformer(keys);
        byte[] opus = new byte[120];
        r.nextBytes(opus);
        packets = new byte[PACKETS][];
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf p = Unpooled.buffer(200).writeByte(0x90).writeByte(111).writeShort(i).writeInt(i * 960).writeInt(0xABCD)
                    .writeShort(0xBEDE).writeShort(1).writeByte(0x10).writeByte(0x80 | 30).writeShort(0).writeBytes(opus);
            sender.protectRtp(p);
            packets[i] = new byte[p.readableBytes()];
            p.getBytes(0, packets[i]);
        }
        datagram = Unpooled.directBuffer(1500);
        for (int i = 0; i < 64; i++) sessions.put(new InetSocketAddress("10.213.0.2", 41000 + i), new Object());
        sessions.put(from, new Object());
    }

    @Setup(Level.Iteration)
    public void fresh() {
        receiver = new SrtpTransformer(keys);
        next = 0;
    }

    @Benchmark
    public int receive() {
        if ((next & (PACKETS - 1)) == 0 && next > 0) receiver = new SrtpTransformer(keys); // rare: the ring starts over
        byte[] src = packets[next++ & (PACKETS - 1)];
        ByteBuf b = datagram.clear().writeBytes(src); // what the socket read leaves in the pooled buffer
        int first = b.getUnsignedByte(0);
        if (first < 128 || first > 191) return -1;
        if (sessions.get(from) == null) return -2;
        if (receiver.unprotectRtp(b) != SrtpTransformer.Result.OK) throw new IllegalStateException("unprotect failed");
        if (!header.parse(b)) throw new IllegalStateException("parse failed");
        int level = header.extensionByte(1);
        frame.kind = MediaFrame.Kind.AUDIO;
        frame.audioLevel = level & 0x7f;
        frame.voiceActivity = (level & 0x80) != 0;
        frame.ssrc = header.ssrc;
        frame.sequence = header.sequence;
        frame.timestamp = header.timestamp;
        frame.buffer = b;
        frame.payloadOffset = header.payloadIndex();
        frame.payloadLength = header.payloadLength;
        int s = slot++ & (SLOTS - 1);
        ringLength[s] = frame.copyPayload(ring[s]);
        return ringLength[s];
    }
}
