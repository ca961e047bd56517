package org.inwardportal.relay.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StunMessageTest {
    static Mac mac(String password) throws Exception {
        Mac m = Mac.getInstance("HmacSHA1");
        m.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return m;
    }

    private final CRC32 crc = new CRC32();
    private final byte[] scratch = new byte[20];
    private final byte[] tx = "0123456789ab".getBytes(StandardCharsets.US_ASCII);

    private ByteBuf request(String password, boolean useCandidate) throws Exception {
        ByteBuf b = Unpooled.buffer();
        StunWriter.bindingRequest(b, tx, "relayU:peerU", mac(password), useCandidate, 0x6e7f1eff, 42, crc, scratch);
        return b;
    }

    @Test
    void requestParsesWithIntegrityFingerprintAndNomination() throws Exception {
        ByteBuf b = request("relay-password-0123456789", true);
        assertThat(StunMessage.looksLikeStun(b)).isTrue();
        StunMessage m = new StunMessage().parse(b);
        assertThat(m.isBindingRequest()).isTrue();
        assertThat(m.useCandidate()).isTrue();
        assertThat(m.iceControlling()).isTrue();
        assertThat(m.priority()).isEqualTo(0x6e7f1effL);
        assertThat(m.localUfrag()).isEqualTo("relayU");
        assertThat(m.usernameStartsWith("relayU".getBytes())).isTrue();
        assertThat(m.usernameStartsWith("relay".getBytes())).isFalse();
        assertThat(m.fingerprintMatches(crc)).isTrue();
        assertThat(m.integrityMatches(mac("relay-password-0123456789"), scratch)).isTrue();
        assertThat(m.integrityMatches(mac("wrong-password-0123456789"), scratch)).isFalse();
        b.setByte(b.writerIndex() - 1, b.getByte(b.writerIndex() - 1) ^ 1);
        assertThat(new StunMessage().parse(b).fingerprintMatches(crc)).isFalse();
    }

    @Test
    void successResponseCarriesTheXorMappedAddressAndVerifies() throws Exception {
        StunMessage req = new StunMessage().parse(request("pw-pw-pw-pw-pw-pw-pw-pw", false));
        for (String host : new String[] {"10.213.0.2", "fd00::5"}) {
            InetSocketAddress from = new InetSocketAddress(InetAddress.getByName(host), 50123);
            ByteBuf res = Unpooled.buffer();
            StunWriter.bindingSuccess(res, req, from, mac("pw-pw-pw-pw-pw-pw-pw-pw"), crc, scratch);
            StunMessage m = new StunMessage().parse(res);
            assertThat(m.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
            assertThat(m.integrityMatches(mac("pw-pw-pw-pw-pw-pw-pw-pw"), scratch)).isTrue();
            assertThat(m.fingerprintMatches(crc)).isTrue();
            assertThat(res.slice(8, 12).toString(StandardCharsets.US_ASCII)).isEqualTo("0123456789ab");
            // Decode XOR-MAPPED-ADDRESS by hand (RFC 5389 §15.2).
            int at = 20;
            assertThat(res.getUnsignedShort(at)).isEqualTo(0x0020);
            int port = res.getUnsignedShort(at + 6) ^ (StunMessage.MAGIC_COOKIE >>> 16);
            byte[] addr = new byte[from.getAddress().getAddress().length];
            for (int i = 0; i < addr.length; i++) addr[i] = (byte) (res.getByte(at + 8 + i) ^ res.getByte(4 + i));
            assertThat(new InetSocketAddress(InetAddress.getByAddress(addr), port)).isEqualTo(from);
        }
    }

    @Test
    void malformedMessagesAreRejectedWithAReason() throws Exception {
        ByteBuf ok = request("pw-pw-pw-pw-pw-pw-pw-pw", false);
        assertThatThrownBy(() -> new StunMessage().parse(ok.copy(0, 19))).hasMessageContaining("shorter than a STUN header");
        ByteBuf truncated = ok.copy(0, ok.readableBytes() - 4);
        assertThatThrownBy(() -> new StunMessage().parse(truncated)).hasMessageContaining("length field");
        ByteBuf oversize = Unpooled.buffer().writeBytes(ok.copy()).writeZero(400);
        assertThatThrownBy(() -> new StunMessage().parse(oversize)).hasMessageContaining("length field");
        ByteBuf overrun = ok.copy();
        overrun.setShort(22, 0x7ff0); // USERNAME claims more than the message holds
        assertThatThrownBy(() -> new StunMessage().parse(overrun)).hasMessageContaining("overruns");
        ByteBuf noCookie = ok.copy();
        noCookie.setInt(4, 0);
        assertThat(StunMessage.looksLikeStun(noCookie)).isFalse();
        assertThatThrownBy(() -> new StunMessage().parse(noCookie)).hasMessageContaining("magic cookie");
    }
}
