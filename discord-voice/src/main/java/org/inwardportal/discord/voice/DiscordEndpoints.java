package org.inwardportal.discord.voice;

import com.neovisionaries.ws.client.WebSocketFactory;
import java.net.URI;
import javax.net.ssl.SSLContext;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import org.inwardportal.discord.standin.DiscordStandIn;

/**
 * Where JDA connects: real Discord (JDA's defaults), or a local stand-in (REST base URL, gateway
 * URL and a TLS context that trusts the stand-in's voice certificate).
 */
public record DiscordEndpoints(String restBaseUrl, URI gateway, SSLContext tls) {

    public static DiscordEndpoints discord() {
        return new DiscordEndpoints(null, null, null);
    }

    public static DiscordEndpoints standIn(DiscordStandIn standIn) {
        return new DiscordEndpoints(standIn.restBaseUrl(), standIn.gatewayUri(), standIn.clientSslContext());
    }

    public boolean isRealDiscord() {
        return restBaseUrl == null;
    }

    /** Points a JDA builder at these endpoints. */
    public JDABuilder applyTo(JDABuilder builder) {
        if (isRealDiscord()) {
            return builder;
        }
        String gatewayUrl = gateway.toString();
        builder.setRestConfig(new RestConfig().setBaseUrl(restBaseUrl))
                .setSessionController(new SessionControllerAdapter() {
                    @Override
                    public String getGateway() {
                        return gatewayUrl;
                    }
                })
                // JDA appends ?encoding=json&v=10 only without zlib; the stand-in speaks plain JSON.
                .setCompression(Compression.NONE)
                // JDA copies this factory for voice, which is always wss://.
                .setWebsocketFactory(new WebSocketFactory().setSSLContext(tls).setVerifyHostname(false));
        return builder;
    }
}
