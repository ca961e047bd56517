package org.inwardportal.discord.standin;

import java.security.GeneralSecurityException;

/**
 * Discord's voice transport encryption, one of the "rtpsize" AEAD modes. The RTP header (with
 * CSRCs and the 4-byte extension preamble) is the associated data; the rest of the packet is
 * encrypted; a 4-byte big-endian counter, zero-padded, is the nonce and travels after the tag.
 */
interface TransportCipher {
    int TAG_BYTES = 16;
    int COUNTER_BYTES = 4;

    String mode();

    /** The AEAD itself: ciphertext || tag of {@code plaintext} under the nonce made from {@code counter}. */
    byte[] encrypt(int counter, byte[] aad, byte[] plaintext) throws GeneralSecurityException;

    /** header || ciphertext+tag || counter */
    default byte[] seal(byte[] header, byte[] plaintext, int counter) throws GeneralSecurityException {
        byte[] sealed = encrypt(counter, header, plaintext);
        return java.nio.ByteBuffer.allocate(header.length + sealed.length + COUNTER_BYTES)
                .put(header).put(sealed).putInt(counter).array();
    }

    /**
     * The AEAD itself, reversed: the plaintext of {@code packet[aadLength, end)} (ciphertext+tag)
     * with {@code packet[0, aadLength)} as associated data, under the nonce made from {@code counter}.
     */
    byte[] decrypt(int counter, byte[] packet, int aadLength, int end) throws GeneralSecurityException;

    /** The plaintext of {@code packet}, whose first {@code aadLength} bytes are the associated data. */
    default byte[] open(byte[] packet, int aadLength) throws GeneralSecurityException {
        int end = packet.length - COUNTER_BYTES;
        if (end - aadLength < TAG_BYTES) {
            throw new GeneralSecurityException("packet too short for " + mode());
        }
        return decrypt(java.nio.ByteBuffer.wrap(packet, end, COUNTER_BYTES).getInt(), packet, aadLength, end);
    }

    static TransportCipher forMode(String mode, byte[] key) {
        return switch (mode) {
            case AesGcmRtpSize.MODE -> new AesGcmRtpSize(key);
            case XChaCha20Poly1305RtpSize.MODE -> new XChaCha20Poly1305RtpSize(key);
            default -> throw new IllegalArgumentException("unsupported voice encryption mode " + mode);
        };
    }

    /** Associated-data length of an RTP packet as rtpsize modes count it: 12 + 4·CC (+ 4 with an extension). */
    static int aadLength(byte[] packet) {
        int cc = packet[0] & 0x0f;
        boolean extension = (packet[0] & 0x10) != 0;
        return 12 + 4 * cc + (extension ? 4 : 0);
    }

    /** Bytes of the (encrypted) extension body that precede the payload once decrypted. */
    static int extensionBodyLength(byte[] packet) {
        if ((packet[0] & 0x10) == 0) {
            return 0;
        }
        int at = 12 + 4 * (packet[0] & 0x0f) + 2;
        return 4 * (((packet[at] & 0xff) << 8) | (packet[at + 1] & 0xff));
    }
}
