package org.inwardportal.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * SRTP protect and unprotect of a 120-byte Opus packet for both profiles, next to the raw JCE
 * work neither can avoid on the same bytes (AES-CTR + HMAC-SHA1, or AES-GCM): the ratio of the two
 * is SRTP's own overhead (target: at most 1.3).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "-Dio.netty.noUnsafe=false"})
public class SrtpBenchmark {
    static final int PAYLOAD = 120;
    static final int PACKETS = 1 << 15;

    @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    private SrtpTransformer sender;
    private SrtpTransformer receiver;
    private SrtpKeys keys;
    private ByteBuf work;
    private byte[][] protectedPackets;
    private int next;
    private int seq;
    private final byte[] payload = new byte[PAYLOAD];
    private final byte[] rawBuf = new byte[PAYLOAD + 12 + 32];
    private final byte[] macOut = new byte[20];
    private Cipher ctr;
    private Cipher gcm;
    private Mac hmac;
    private SecretKeySpec aesKey;
    private final byte[] iv = new byte[16];

    @Setup
    public void setup() throws Exception {
        Random r = new Random(1);
        byte[] mk = new byte[16];
        byte[] ms = new byte[profile.saltBytes];
        r.nextBytes(mk);
        r.nextBytes(ms);
        r.nextBytes(payload);
        keys = SrtpKeys.derive(profile, mk, ms);
        sender = new SrtpTransformer(keys);
        work = Unpooled.directBuffer(1500);
        SrtpTransformer pre = new SrtpTransformer(keys);
        protectedPackets = new byte[PACKETS][];
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf p = packet(Unpooled.buffer(200), i);
            pre.protectRtp(p);
            protectedPackets[i] = new byte[p.readableBytes()];
            p.getBytes(0, protectedPackets[i]);
        }
        receiver = new SrtpTransformer(keys);
        aesKey = new SecretKeySpec(keys.rtpKey(), "AES");
        ctr = Cipher.getInstance("AES/CTR/NoPadding");
        gcm = Cipher.getInstance("AES/GCM/NoPadding");
        hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(new byte[20], "HmacSHA1"));
    }

    private ByteBuf packet(ByteBuf b, int s) {
        return b.clear().writeByte(0x80).writeByte(111).writeShort(s).writeInt(s * 960).writeInt(0x1234).writeBytes(payload);
    }

    @Setup(Level.Iteration)
    public void freshReceiver() {
        // A new receiver each iteration: the replay window must see fresh sequence numbers.
        receiver = new SrtpTransformer(keys);
        next = 0;
    }

    @Benchmark
    public int protect() {
        ByteBuf p = packet(work, seq++ & 0xffff);
        if (sender.protectRtp(p) != SrtpTransformer.Result.OK) throw new IllegalStateException("protect failed");
        return p.readableBytes();
    }

    @Benchmark
    public Object unprotect() {
        if ((next & (PACKETS - 1)) == 0 && next > 0) receiver = new SrtpTransformer(keys); // rare: the packet ring starts over
        byte[] src = protectedPackets[next++ & (PACKETS - 1)];
        work.clear().writeBytes(src);
        SrtpTransformer.Result r = receiver.unprotectRtp(work);
        if (r != SrtpTransformer.Result.OK) throw new IllegalStateException("unprotect " + r); // a benchmark of failures is no benchmark
        return r;
    }

    /** The cryptography alone on the same bytes, as a plain JCE user would do it. */
    @Benchmark
    public int rawJce() throws Exception {
        System.arraycopy(payload, 0, rawBuf, 12, PAYLOAD);
        int s = seq++;
        iv[8] = (byte) (s >>> 24); // a fresh IV every time (JCE refuses to reuse one for GCM)
        iv[9] = (byte) (s >>> 16);
        iv[10] = (byte) (s >>> 8);
        iv[11] = (byte) s;
        if (profile == SrtpProfile.AEAD_AES_128_GCM) {
            gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, iv, 0, 12));
            gcm.updateAAD(rawBuf, 0, 12);
            return gcm.doFinal(rawBuf, 12, PAYLOAD, rawBuf, 12);
        }
        ctr.init(Cipher.ENCRYPT_MODE, aesKey, new IvParameterSpec(iv));
        int n = ctr.doFinal(rawBuf, 12, PAYLOAD, rawBuf, 12);
        hmac.update(rawBuf, 0, 12 + PAYLOAD);
        hmac.doFinal(macOut, 0);
        return n;
    }
}
