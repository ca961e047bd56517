package org.inwardportal.discord.dave;

/**
 * Cheap structural checks of what the voice gateway sends, made before BouncyCastle MLS parses
 * it. bcmls allocates a vector's declared length before it notices the bytes are not there: one
 * garbled length header costs up to a gigabyte (measured: ~800 MB per random 200-byte message).
 * These checks read only RFC 9420 framing (§2.1.2 lengths, §6 MLSMessage, §12.4.3 Welcome) and
 * refuse anything whose lengths do not fit, that is not for our group and epoch, or not for
 * ciphersuite 2; what passes has bounded lengths at the outer levels and was plainly made for
 * this group. Each method returns null when the input passes, else why not.
 */
public final class MlsFraming {
    private MlsFraming() {}

    static final int MLS10 = 1;
    static final int WIRE_PUBLIC_MESSAGE = 1;

    /** A cursor over a byte array. */
    private static final class Reader {
        final byte[] b;
        int at;

        Reader(byte[] b, int at) {
            this.b = b;
            this.at = at;
        }

        int u8() {
            return at < b.length ? b[at++] & 0xff : -1;
        }

        int u16() {
            if (at + 2 > b.length) return -1;
            int v = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
            at += 2;
            return v;
        }

        long u64() {
            if (at + 8 > b.length) return Long.MIN_VALUE;
            long v = 0;
            for (int i = 0; i < 8; i++) v = v << 8 | (b[at + i] & 0xff);
            at += 8;
            return v;
        }

        /** An opaque<V>: its start, having skipped it; -1 when the length header is bad or runs past the end. */
        int opaque() {
            long v = MlsWire.readVarint(b, at);
            if (v < 0) return -1;
            int header = (int) (v & 0xff);
            long length = v >>> 8;
            if (at + header + length > b.length) return -1;
            int start = at + header;
            at = (int) (start + length);
            return start;
        }

        int remaining() {
            return b.length - at;
        }
    }

    /** Op 25: ExternalSender = signature_key<V>, Credential{u16 type = basic (1), identity<V>}, nothing after. */
    public static String externalSender(byte[] b) {
        Reader r = new Reader(b, 0);
        if (r.opaque() < 0) return "signature key length does not fit";
        if (r.u16() != 1) return "credential is not basic";
        if (r.opaque() < 0) return "identity length does not fit";
        return r.remaining() == 0 ? null : "trailing bytes";
    }

    /**
     * The head of an MLSMessage carrying a handshake (RFC 9420 §6): version mls10, wire format
     * PublicMessage, group_id equal to ours, the expected epoch.
     */
    public static String handshakeHead(byte[] b, int off, byte[] groupId, long epoch) {
        Reader r = new Reader(b, off);
        if (r.u16() != MLS10) return "not MLS 1.0";
        if (r.u16() != WIRE_PUBLIC_MESSAGE) return "not a PublicMessage";
        int start = r.opaque();
        if (start < 0) return "group id length does not fit";
        if (r.at - start != groupId.length || !java.util.Arrays.equals(b, start, r.at, groupId, 0, groupId.length)) {
            return "for another group";
        }
        long e = r.u64();
        if (e != epoch) return e == Long.MIN_VALUE ? "truncated" : "for epoch " + e + ", group is at " + epoch;
        return null;
    }

    /** The epoch of a handshake MLSMessage for our group, or -1 when it is not one (see {@link #handshakeHead}). */
    public static long epochOf(byte[] b, byte[] groupId) {
        Reader r = new Reader(b, 0);
        if (r.u16() != MLS10 || r.u16() != WIRE_PUBLIC_MESSAGE) return -1;
        int start = r.opaque();
        if (start < 0 || r.at - start != groupId.length || !java.util.Arrays.equals(b, start, r.at, groupId, 0, groupId.length)) return -1;
        long e = r.u64();
        return e == Long.MIN_VALUE ? -1 : e;
    }

    /** Op 27: [operation type][MLSMessage proposal_messages<V>], the vector exactly filling the message, the first proposal for our group and epoch. */
    public static String proposals(byte[] b, byte[] groupId, long epoch) {
        Reader r = new Reader(b, 1);
        int start = r.opaque();
        if (start < 0 || r.remaining() != 0) return "proposal vector length does not match the message";
        if (r.at == start) return "no proposals";
        return handshakeHead(b, start, groupId, epoch);
    }

    /** Op 26: a bare KeyPackage (as libdave sends it, not wrapped in an MLSMessage) of MLS 1.0 for ciphersuite 2. */
    public static String keyPackage(byte[] b) {
        Reader r = new Reader(b, 0);
        if (r.u16() != MLS10) return "key package not MLS 1.0";
        if (r.u16() != DaveMlsMember.CIPHER_SUITE) return "key package not for ciphersuite 2";
        return r.opaque() < 0 ? "init key length does not fit" : null;
    }

    /**
     * Op 30: Welcome = u16 cipher_suite (2), EncryptedGroupSecrets secrets<V> (each: new_member<V>,
     * HPKECiphertext{kem_output<V>, ciphertext<V>}), encrypted_group_info<V>, nothing after.
     */
    public static String welcome(byte[] b) {
        Reader r = new Reader(b, 0);
        if (r.u16() != DaveMlsMember.CIPHER_SUITE) return "welcome not for ciphersuite 2";
        int secrets = r.opaque();
        if (secrets < 0) return "secrets length does not fit";
        int end = r.at;
        Reader s = new Reader(java.util.Arrays.copyOf(b, end), secrets);
        while (s.at < end) {
            if (s.opaque() < 0 || s.opaque() < 0 || s.opaque() < 0) return "a group secret's lengths do not fit";
        }
        if (r.opaque() < 0) return "group info length does not fit";
        return r.remaining() == 0 ? null : "trailing bytes";
    }
}
