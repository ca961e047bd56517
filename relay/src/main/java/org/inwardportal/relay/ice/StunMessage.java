package org.inwardportal.relay.ice;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.crypto.Mac;

/**
 * A parsed view of one STUN message (RFC 5389) in a Netty buffer: where its attributes are, not
 * copies of them. Reused from packet to packet by one thread; {@link #parse} never allocates.
 */
public final class StunMessage {
    public static final int HEADER_BYTES = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** RFC 5389 §15.5: the CRC-32 is XOR'ed with this. */
    static final int FINGERPRINT_XOR = 0x5354554e;

    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    static final int ATTR_USERNAME = 0x0006;
    static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    static final int ATTR_ERROR_CODE = 0x0009;
    static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    static final int ATTR_PRIORITY = 0x0024;
    static final int ATTR_USE_CANDIDATE = 0x0025;
    static final int ATTR_FINGERPRINT = 0x8028;
    static final int ATTR_ICE_CONTROLLED = 0x8029;
    static final int ATTR_ICE_CONTROLLING = 0x802A;

    private ByteBuf buf;
    private int start;
    private int type;
    private int length;
    private int usernameOffset = -1;
    private int usernameLength;
    private int integrityOffset = -1;
    private int fingerprintOffset = -1;
    private boolean useCandidate;
    private boolean iceControlling;
    private boolean iceControlled;
    private long priority;

    /** RFC 7983 §7: a first byte of 0..3 is STUN; plus the fixed header facts of RFC 5389 §6. */
    public static boolean looksLikeStun(ByteBuf b) {
        int n = b.readableBytes();
        int i = b.readerIndex();
        return n >= HEADER_BYTES && (b.getUnsignedByte(i) & 0xC0) == 0 && b.getInt(i + 4) == MAGIC_COOKIE
                && (b.getUnsignedShort(i + 2) & 3) == 0;
    }

    /** Parses the message at the buffer's reader index without moving it. */
    public StunMessage parse(ByteBuf b) throws StunException {
        buf = b;
        start = b.readerIndex();
        int available = b.readableBytes();
        if (available < HEADER_BYTES) throw new StunException("shorter than a STUN header");
        type = b.getUnsignedShort(start);
        length = b.getUnsignedShort(start + 2);
        if ((type & 0xC000) != 0) throw new StunException("first two bits must be zero");
        if (b.getInt(start + 4) != MAGIC_COOKIE) throw new StunException("no magic cookie");
        if ((length & 3) != 0) throw new StunException("length not a multiple of 4");
        if (HEADER_BYTES + length != available) throw new StunException("length field says " + length + ", datagram has " + (available - HEADER_BYTES));
        usernameOffset = integrityOffset = fingerprintOffset = -1;
        usernameLength = 0;
        useCandidate = iceControlling = iceControlled = false;
        priority = 0;
        int at = start + HEADER_BYTES;
        int end = start + HEADER_BYTES + length;
        while (at < end) {
            if (end - at < 4) throw new StunException("truncated attribute header");
            int attrType = b.getUnsignedShort(at);
            int attrLength = b.getUnsignedShort(at + 2);
            int valueAt = at + 4;
            if (valueAt + attrLength > end) throw new StunException("attribute 0x" + Integer.toHexString(attrType) + " overruns the message");
            if (fingerprintOffset >= 0) throw new StunException("attribute after FINGERPRINT");
            if (integrityOffset >= 0 && attrType != ATTR_FINGERPRINT) {
                // RFC 5389 §15.4: only FINGERPRINT may follow MESSAGE-INTEGRITY; anything else is ignored.
                at = valueAt + ((attrLength + 3) & ~3);
                continue;
            }
            switch (attrType) {
                case ATTR_USERNAME -> {
                    usernameOffset = valueAt;
                    usernameLength = attrLength;
                }
                case ATTR_MESSAGE_INTEGRITY -> {
                    if (attrLength != 20) throw new StunException("MESSAGE-INTEGRITY must be 20 bytes");
                    integrityOffset = at;
                }
                case ATTR_FINGERPRINT -> {
                    if (attrLength != 4) throw new StunException("FINGERPRINT must be 4 bytes");
                    fingerprintOffset = at;
                }
                case ATTR_USE_CANDIDATE -> useCandidate = true;
                case ATTR_ICE_CONTROLLING -> iceControlling = true;
                case ATTR_ICE_CONTROLLED -> iceControlled = true;
                case ATTR_PRIORITY -> {
                    if (attrLength != 4) throw new StunException("PRIORITY must be 4 bytes");
                    priority = b.getUnsignedInt(valueAt);
                }
                default -> {
                    // comprehension-optional (0x8000-0xFFFF) or not needed by a lite agent: skipped
                }
            }
            at = valueAt + ((attrLength + 3) & ~3);
        }
        return this;
    }

    public int type() {
        return type;
    }

    public boolean isBindingRequest() {
        return type == BINDING_REQUEST;
    }

    public boolean useCandidate() {
        return useCandidate;
    }

    public boolean iceControlling() {
        return iceControlling;
    }

    public boolean iceControlled() {
        return iceControlled;
    }

    public long priority() {
        return priority;
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    /** The ufrag before the colon of USERNAME ("local:remote"), compared without allocating. */
    public boolean usernameStartsWith(byte[] localUfrag) {
        if (usernameOffset < 0 || usernameLength < localUfrag.length + 1) return false;
        for (int i = 0; i < localUfrag.length; i++) {
            if (buf.getByte(usernameOffset + i) != localUfrag[i]) return false;
        }
        return buf.getByte(usernameOffset + localUfrag.length) == ':';
    }

    /** The local ufrag part of USERNAME, for routing a first request to its session (allocates). */
    public String localUfrag() {
        if (usernameOffset < 0) return null;
        for (int i = 0; i < usernameLength; i++) {
            if (buf.getByte(usernameOffset + i) == ':') {
                return buf.toString(usernameOffset, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Copies the 12-byte transaction id into {@code out}. */
    public void transactionId(ByteBuf out) {
        out.writeBytes(buf, start + 8, 12);
    }

    /**
     * RFC 5389 §15.4: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, with the length field
     * set as if MESSAGE-INTEGRITY were the last attribute. {@code mac} is keyed with the password.
     */
    public boolean integrityMatches(Mac mac, byte[] scratch20) {
        if (integrityOffset < 0) return false;
        int lengthForMac = integrityOffset - (start + HEADER_BYTES) + 24;
        mac.update((byte) (type >>> 8));
        mac.update((byte) type);
        mac.update((byte) (lengthForMac >>> 8));
        mac.update((byte) lengthForMac);
        updateMac(mac, buf, start + 4, integrityOffset - (start + 4));
        try {
            mac.doFinal(scratch20, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        int diff = 0;
        for (int i = 0; i < 20; i++) diff |= scratch20[i] ^ buf.getByte(integrityOffset + 4 + i);
        return diff == 0;
    }

    /** RFC 5389 §15.5: CRC-32 of the message up to FINGERPRINT, XOR 0x5354554e. */
    public boolean fingerprintMatches(CRC32 crc) {
        if (fingerprintOffset < 0) return false;
        crc.reset();
        crc.update(buf.nioBuffer(start, fingerprintOffset - start));
        return (((int) crc.getValue()) ^ FINGERPRINT_XOR) == buf.getInt(fingerprintOffset + 4);
    }

    static void updateMac(Mac mac, ByteBuf b, int from, int len) {
        if (b.hasArray()) {
            mac.update(b.array(), b.arrayOffset() + from, len);
        } else {
            mac.update(b.nioBuffer(from, len));
        }
    }
}
