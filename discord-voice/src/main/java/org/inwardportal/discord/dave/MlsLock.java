package org.inwardportal.discord.dave;

/**
 * BouncyCastle MLS is not safe to use from two threads at once: {@code MlsCipherSuite.getSuite}
 * hands out process-wide singletons whose digest, HMAC, AEAD and HPKE objects keep state between
 * calls, and bcmls's own decoders use them too. Two voice sessions working at the same time
 * (JDA's WebSocket thread for one, the stand-in's gateway for another) produced wrong membership
 * tags, "Path required but not present" and failed Welcome decryptions. Every bcmls call in this
 * code base holds this lock; MLS work is rare (joins, leaves) and short, the media path never
 * takes it.
 */
public final class MlsLock {
    private MlsLock() {}

    public static final Object LOCK = new Object();
}
