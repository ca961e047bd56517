package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;
import org.junit.jupiter.api.Test;

/** Our ratchet against BouncyCastle MLS's own RFC 9420 DeriveTreeSecret (an independent implementation). */
class SenderKeyRatchetTest {

    @Test
    void keysAreRfc9420HashRatchetKeysOfCipherSuite2() throws Exception {
        MlsCipherSuite suite = MlsCipherSuite.getSuite(MlsCipherSuite.MLS_128_DHKEMP256_AES128GCM_SHA256_P256);
        Random r = new Random(3);
        for (int round = 0; round < 5; round++) {
            byte[] base = new byte[16];
            r.nextBytes(base);
            SenderKeyRatchet ours = new SenderKeyRatchet(base);
            Secret secret = new Secret(base.clone());
            for (int g = 0; g < 40; g++) {
                byte[] expected = secret.deriveTreeSecret(suite, "key", g, 16).value();
                byte[] key = new byte[16];
                assertThat(ours.key(g, key, 0)).isTrue();
                assertThat(key).as("generation %d", g).isEqualTo(expected);
                secret = secret.deriveTreeSecret(suite, "secret", g, 32);
            }
        }
    }

    @Test
    void keysAheadAreDerivedOnDemandAndErasedOnesAreGone() {
        byte[] base = new byte[16];
        SenderKeyRatchet stepwise = new SenderKeyRatchet(base);
        SenderKeyRatchet jump = new SenderKeyRatchet(base);
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        for (int g = 0; g <= 7; g++) stepwise.key(g, a, 0);
        assertThat(jump.key(7, b, 0)).isTrue();
        assertThat(b).isEqualTo(a);
        assertThat(jump.key(3, b, 0)).as("generations passed on the way stay until erased").isTrue();
        jump.erase(3);
        assertThat(jump.key(3, b, 0)).isFalse();
        assertThat(jump.key(2, b, 0)).isTrue();
        jump.close();
        assertThat(jump.key(2, b, 0)).isFalse();
        assertThat(jump.key(8, b, 0)).isFalse();
        assertThat(jump.heldKeys()).isZero();
        byte[] other = new byte[16];
        other[15] = 1;
        byte[] c = new byte[16];
        new SenderKeyRatchet(other).key(7, c, 0);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void theBaseSecretComesFromTheExporterWithTheLittleEndianUserId() {
        byte[][] seen = new byte[1][];
        String[] label = new String[1];
        MlsExporter exporter = (l, context, length) -> {
            label[0] = l;
            seen[0] = context;
            return new byte[length];
        };
        assertThat(exporter.senderBaseSecret(0x0102030405060708L)).hasSize(16);
        assertThat(label[0]).isEqualTo("Discord Secure Frames v0");
        assertThat(seen[0]).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
    }
}
