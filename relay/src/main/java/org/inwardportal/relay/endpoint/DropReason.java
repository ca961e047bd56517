package org.inwardportal.relay.endpoint;

/** Why the endpoint dropped a datagram: each reason is a counter ({@code relay.endpoint.dropped{reason}}). */
public enum DropReason {
    /** First byte outside every RFC 7983 range, or too short to be anything. */
    GARBAGE,
    STUN_MALFORMED,
    STUN_UNKNOWN_UFRAG,
    STUN_BAD_INTEGRITY,
    STUN_BAD_FINGERPRINT,
    STUN_NOT_A_REQUEST,
    /** DTLS or SRTP from an address no valid STUN request came from. */
    UNKNOWN_PEER,
    /** Not a DTLS 1.0/1.2 record sequence (RFC 6347 §4.1): bad content type, version or length. */
    DTLS_MALFORMED,
    DTLS_QUEUE_FULL,
    SRTP_BEFORE_KEYS,
    SRTP_AUTH_FAILED,
    SRTP_REPLAYED,
    SRTP_MALFORMED,
    SRTP_TOO_MANY_SSRCS,
    RTP_UNKNOWN_PAYLOAD_TYPE,
    OVERSIZED
}
