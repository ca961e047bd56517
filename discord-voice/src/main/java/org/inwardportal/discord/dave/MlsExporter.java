package org.inwardportal.discord.dave;

/**
 * The MLS-Exporter of the current epoch of an MLS group (RFC 9420 §8.5), e.g. BouncyCastle's
 * {@code Group.export} or libdave's. The frame layer needs nothing else from MLS.
 */
@FunctionalInterface
public interface MlsExporter {

    byte[] export(String label, byte[] context, int length);

    /**
     * Whitepaper "Sender Key Derivation": {@code sender_base_secret = MLS-Exporter("Discord Secure
     * Frames v0", littleEndianSenderID, 16)}, the 64-bit user id in little-endian byte order.
     */
    default byte[] senderBaseSecret(long userId) {
        byte[] context = new byte[8];
        for (int i = 0; i < 8; i++) context[i] = (byte) (userId >>> (8 * i));
        return export(DaveFrameFormat.EXPORTER_LABEL, context, DaveFrameFormat.KEY_BYTES);
    }

    /** A new key ratchet for {@code userId}'s frames in this epoch; the base secret is wiped once the ratchet has it. */
    default SenderKeyRatchet senderKeyRatchet(long userId) {
        byte[] base = senderBaseSecret(userId);
        try {
            return new SenderKeyRatchet(base);
        } finally {
            java.util.Arrays.fill(base, (byte) 0);
        }
    }
}
