package org.inwardportal.relay.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha1Test {
    private static final HexFormat HEX = HexFormat.of();

    private static String mac(byte[] key, byte[] data) {
        HmacSha1 h = new HmacSha1(key);
        h.update(data, 0, data.length);
        byte[] out = new byte[20];
        h.doFinal(out, 0);
        return HEX.formatHex(out);
    }

    @Test
    void rfc2202Vectors() {
        assertThat(mac(HEX.parseHex("0b".repeat(20)), "Hi There".getBytes())).isEqualTo("b617318655057264e28bc0b6fb378c8ef146be00");
        assertThat(mac("Jefe".getBytes(), "what do ya want for nothing?".getBytes())).isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        // Test case 6: a key longer than the block size is hashed first.
        assertThat(mac(HEX.parseHex("aa".repeat(80)), "Test Using Larger Than Block-Size Key - Hash Key First".getBytes()))
                .isEqualTo("aa4ae5e15272d00e95705637ce8a3b55ed402112");
    }

    @Test
    void agreesWithTheJdkAcrossManyMessagesOnOneInstance() throws Exception {
        Random r = new Random(4);
        byte[] key = new byte[20];
        r.nextBytes(key);
        HmacSha1 ours = new HmacSha1(key);
        Mac jdk = Mac.getInstance("HmacSHA1");
        jdk.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] out = new byte[20];
        for (int i = 0; i < 200; i++) {
            byte[] msg = new byte[r.nextInt(1500)];
            r.nextBytes(msg);
            ours.update(msg, 0, msg.length);
            ours.doFinal(out, 0);
            assertThat(out).isEqualTo(jdk.doFinal(msg));
        }
    }
}
