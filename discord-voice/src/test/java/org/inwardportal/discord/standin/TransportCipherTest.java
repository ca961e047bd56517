package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.aead.internal.InsecureNonceXChaCha20Poly1305;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransportCipherTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hChaCha20MatchesTheDraftTestVector() {
        // draft-irtf-cfrg-xchacha-03 §2.2.1
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = HEX.parseHex("000000090000004a0000000031415927");
        assertThat(HEX.formatHex(XChaCha20Poly1305RtpSize.hChaCha20(key, nonce)))
                .isEqualTo("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
    }

    @Test
    void xChaChaAgreesWithTheIndependentImplementationJdaUses() throws Exception {
        Random r = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] key = new byte[32];
            r.nextBytes(key);
            byte[] aad = new byte[12 + 4 * (i % 3)];
            r.nextBytes(aad);
            byte[] plain = new byte[r.nextInt(400)];
            r.nextBytes(plain);
            byte[] nonce = XChaCha20Poly1305RtpSize.nonce(r.nextInt());
            byte[] ours = new XChaCha20Poly1305RtpSize(key).encrypt(nonce, aad, plain);
            byte[] tink = new InsecureNonceXChaCha20Poly1305(key).encrypt(nonce, plain, aad);
            assertThat(ours).isEqualTo(tink);
        }
    }

    @Test
    void bothModesRoundTripAndRejectTampering() throws Exception {
        byte[] key = new byte[32];
        new Random(1).nextBytes(key);
        for (String mode : new String[] {AesGcmRtpSize.MODE, XChaCha20Poly1305RtpSize.MODE}) {
            TransportCipher c = TransportCipher.forMode(mode, key);
            byte[] header = HEX.parseHex("9078000100000960000004d2bede0001");
            byte[] payload = HEX.parseHex("10ff0000" + "fcfffe");
            byte[] packet = c.seal(header, payload, 7);
            assertThat(packet).hasSize(header.length + payload.length + 16 + 4);
            assertThat(TransportCipher.aadLength(packet)).isEqualTo(16);
            assertThat(TransportCipher.extensionBodyLength(packet)).isEqualTo(4);
            assertThat(c.open(packet, 16)).isEqualTo(payload);
            packet[20] ^= 1;
            assertThatThrownBy(() -> c.open(packet, 16)).isInstanceOf(GeneralSecurityException.class);
            byte[] other = c.seal(HEX.parseHex("9078000100000960000004d2bede0001"), payload, 8);
            other[1] ^= 1; // the header is associated data: authenticated too
            assertThatThrownBy(() -> c.open(other, 16)).isInstanceOf(GeneralSecurityException.class);
        }
    }
}
