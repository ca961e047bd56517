package org.inwardportal.signaling;

import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.junit.jupiter.api.Test;

/** {@link ReferenceShardSession} in the test's private network namespace, over its veth pair (the endpoint's defaults). */
class ShardClientInteropIT {
    @Test
    void theReferenceShardConnectsThroughSignalingAndAudioFlowsBothWays() throws Exception {
        ReferenceShardSession.run(MediaEndpoint.Config.defaults());
    }
}
