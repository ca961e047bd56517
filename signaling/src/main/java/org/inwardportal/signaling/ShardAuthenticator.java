package org.inwardportal.signaling;

/**
 * Checks a shard's token (the seam to the control plane, which keeps only token hashes). Must
 * compare in constant time; called off the event loop.
 */
@FunctionalInterface
public interface ShardAuthenticator {
    boolean authenticate(String shardId, String token);
}
