package org.inwardportal.relay.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Our AES-GCM against NIST's test vectors and, on random inputs, against the JDK's. */
class AesGcmTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void gcmSpecTestCases2And4() {
        // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 2 and 4 (AES-128).
        byte[] buf = new byte[32];
        new AesGcm(new byte[16]).seal(new byte[12], new byte[0], 0, 0, buf, 0, 16);
        assertThat(HEX.formatHex(buf)).isEqualTo("0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf");

        byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
        byte[] iv = HEX.parseHex("cafebabefacedbaddecaf888");
        byte[] plain = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        byte[] aad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        byte[] b = Arrays.copyOf(plain, plain.length + 16);
        new AesGcm(key).seal(iv, aad, 0, aad.length, b, 0, plain.length);
        assertThat(HEX.formatHex(Arrays.copyOfRange(b, 0, plain.length))).isEqualTo(
                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
        assertThat(HEX.formatHex(Arrays.copyOfRange(b, plain.length, plain.length + 16))).isEqualTo("5bc94fbc3221a5db94fae95ae7121a47");
        assertThat(new AesGcm(key).open(iv, aad, 0, aad.length, b, 0, plain.length)).isTrue();
        assertThat(Arrays.copyOf(b, plain.length)).isEqualTo(plain);
    }

    @Test
    void agreesWithTheJdkAndRejectsTampering() throws Exception {
        Random r = new Random(9);
        for (int i = 0; i < 300; i++) {
            byte[] key = new byte[16];
            byte[] iv = new byte[12];
            byte[] aad = new byte[r.nextInt(40)];
            byte[] plain = new byte[r.nextInt(1300)];
            r.nextBytes(key);
            r.nextBytes(iv);
            r.nextBytes(aad);
            r.nextBytes(plain);
            Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            jdk.updateAAD(aad);
            byte[] expected = jdk.doFinal(plain);
            AesGcm ours = new AesGcm(key);
            byte[] b = Arrays.copyOf(plain, plain.length + 16);
            ours.seal(iv, aad, 0, aad.length, b, 0, plain.length);
            assertThat(b).isEqualTo(expected);
            assertThat(ours.open(iv, aad, 0, aad.length, b, 0, plain.length)).isTrue();
            assertThat(Arrays.copyOf(b, plain.length)).isEqualTo(plain);
            ours.seal(iv, aad, 0, aad.length, b, 0, plain.length);
            b[r.nextInt(b.length)] ^= 1;
            assertThat(ours.open(iv, aad, 0, aad.length, b, 0, plain.length)).isFalse();
        }
    }

    @Test
    void truncatedTagsAreTheLeftmostBytesOfTheFullTagAndAreChecked() throws Exception {
        Random r = new Random(11);
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[16];
            byte[] iv = new byte[12];
            byte[] aad = new byte[r.nextInt(20)];
            byte[] plain = new byte[r.nextInt(400)];
            r.nextBytes(key);
            r.nextBytes(iv);
            r.nextBytes(aad);
            r.nextBytes(plain);
            Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            jdk.updateAAD(aad);
            byte[] full = jdk.doFinal(plain);
            AesGcm ours = new AesGcm(key);
            byte[] b = Arrays.copyOf(plain, plain.length + 8 + 4);
            b[plain.length + 8] = 0x55; // bytes after the 8-byte tag are not touched
            ours.seal(iv, aad, 0, aad.length, b, 0, plain.length, 8);
            assertThat(Arrays.copyOf(b, plain.length + 8)).isEqualTo(Arrays.copyOf(full, plain.length + 8));
            assertThat(b[plain.length + 8]).isEqualTo((byte) 0x55);
            byte[] copy = b.clone();
            assertThat(ours.open(iv, aad, 0, aad.length, b, 0, plain.length, 8)).isTrue();
            assertThat(Arrays.copyOf(b, plain.length)).isEqualTo(plain);
            copy[plain.length + r.nextInt(8)] ^= (byte) (1 << r.nextInt(8));
            assertThat(ours.open(iv, aad, 0, aad.length, copy, 0, plain.length, 8)).isFalse();
        }
    }

    @Test
    void inputsLongerThanOneKeystreamBufferAgreeWithTheJdk() throws Exception {
        Random r = new Random(12);
        for (int len : new int[] {1631, 1632, 1633, 4000, 70_001}) {
            byte[] key = new byte[16];
            byte[] iv = new byte[12];
            byte[] plain = new byte[len];
            r.nextBytes(key);
            r.nextBytes(iv);
            r.nextBytes(plain);
            Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            byte[] expected = jdk.doFinal(plain);
            byte[] b = Arrays.copyOf(plain, len + 16);
            AesGcm ours = new AesGcm(key);
            ours.seal(iv, new byte[0], 0, 0, b, 0, len);
            assertThat(b).as("length %d", len).isEqualTo(expected);
            assertThat(ours.open(iv, new byte[0], 0, 0, b, 0, len)).isTrue();
            assertThat(Arrays.copyOf(b, len)).isEqualTo(plain);
        }
    }

    @Test
    void tagLengthsOutsideOneToSixteenAreRefused() {
        AesGcm gcm = new AesGcm(new byte[16]);
        byte[] b = new byte[64];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gcm.seal(new byte[12], b, 0, 0, b, 0, 16, 0))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gcm.open(new byte[12], b, 0, 0, b, 0, 16, 17))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
