package org.inwardportal.control.media;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.relay.endpoint.MediaEndpoint;

/** The WebRTC endpoint as a daemon component: started from {@code media.*}, shown in /readyz. */
public final class MediaService implements Component {
    private final MediaEndpoint.Config config;
    private final MeterRegistry registry;
    private volatile MediaEndpoint endpoint;
    private volatile Health health = Health.starting();

    public MediaService(Config c, MeterRegistry registry) {
        this.config = new MediaEndpoint.Config(c.get(ConfigKeys.MEDIA_HOST), c.get(ConfigKeys.MEDIA_PORT),
                c.get(ConfigKeys.MEDIA_ADDRESSES), c.get(ConfigKeys.MEDIA_CONSENT_TIMEOUT));
        this.registry = registry;
    }

    @Override
    public String name() {
        return "media";
    }

    public MediaEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void start() throws Exception {
        MediaEndpoint e = new MediaEndpoint(config, registry);
        try {
            e.start();
        } catch (Exception ex) {
            e.close();
            throw new IllegalStateException("cannot bind udp " + config.bindHost() + ":" + config.port() + " (" + ex.getMessage() + ")", ex);
        }
        endpoint = e;
        health = Health.ready("udp " + config.bindHost() + ":" + e.port() + ", candidates " + e.candidates().stream()
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList());
    }

    @Override
    public void stop(Duration budget) {
        health = Health.stopped();
        MediaEndpoint e = endpoint;
        if (e != null) e.close();
    }

    @Override
    public Health health() {
        return health;
    }
}
