package org.inwardportal.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.junit.jupiter.api.Test;

/**
 * {@link ReferenceShardSession} with the relay on 127.0.0.1 only, as local mode runs it: no root,
 * no namespace. libwebrtc reaches loopback only because it gathers on the any-address
 * (LibWebRtcPeer.Gathering); enumerating adapters it would skip loopback and connect from another
 * address of the machine, or not at all.
 */
class ShardClientLoopbackTest {
    @Test
    void theReferenceShardReachesARelayOnLoopbackAndAudioFlowsBothWays() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetSocketAddress shard = ReferenceShardSession.run(new MediaEndpoint.Config("127.0.0.1", 0, List.of(loopback), Duration.ofSeconds(30)));
        assertThat(shard.getAddress().isLoopbackAddress()).as("the relay saw the shard at %s", shard).isTrue();
    }
}
