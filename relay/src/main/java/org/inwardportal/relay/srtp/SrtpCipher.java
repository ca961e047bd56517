package org.inwardportal.relay.srtp;

/**
 * The cryptographic half of an SRTP profile: encrypt/decrypt and authenticate a packet held in a
 * scratch array. {@link SrtpTransformer} does the packet bookkeeping (indexes, replay) around it.
 */
interface SrtpCipher {
    int tagBytes();

    /** Encrypts {@code buf[payloadAt..end)} in place and writes the tag at {@code end}. RTP. */
    void protectRtp(byte[] buf, int payloadAt, int end, int ssrc, long index);

    /** Verifies the tag ending at {@code end} and decrypts in place; false if it does not verify. RTP. */
    boolean unprotectRtp(byte[] buf, int payloadAt, int end, int ssrc, long index);

    /** RTCP: encrypts after the 8-byte header, appends the E||index trailer and the tag as the profile orders them. Returns the new length. */
    int protectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex);

    /** RTCP: verifies and decrypts; returns the plain length, or -1. {@code srtcpIndex} was read from the trailer. */
    int unprotectRtcp(byte[] buf, int length, int ssrc, int srtcpIndex);

    /** Where the E||index trailer sits in a protected RTCP packet of {@code length} bytes. */
    int rtcpTrailerAt(int length);
}
