package org.inwardportal.control.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's video: the IVF in the jar, keyframes once a second, and VP8 payloads per RFC 7741. */
class TestPatternTest {
    @Test
    void thePatternLoadsWithAKeyframeEverySecond() throws Exception {
        TestPattern p = TestPattern.load();
        assertThat(p.size()).isEqualTo(4 * TestPattern.FPS);
        for (int i = 0; i < p.size(); i++) {
            assertThat(TestPattern.keyframe(p.frame(i))).as("frame %d", i).isEqualTo(i % TestPattern.FPS == 0);
        }
        assertThat(p.frame(p.size())).as("looped").isSameAs(p.frame(0));
    }

    @Test
    void framesAreCutIntoDescribedPayloadsThatPutTheFrameBackTogether() throws Exception {
        byte[] frame = new byte[2500];
        for (int i = 0; i < frame.length; i++) frame[i] = (byte) (i * 7);
        List<byte[]> payloads = new ArrayList<>();
        List<Boolean> last = new ArrayList<>();
        int n = Vp8Packets.split(frame, new byte[Vp8Packets.MAX_PAYLOAD], (p, len, end) -> {
            payloads.add(Arrays.copyOf(p, len));
            last.add(end);
        });
        assertThat(n).isEqualTo(3);
        assertThat(last).containsExactly(false, false, true);
        assertThat(payloads).allMatch(p -> p.length <= Vp8Packets.MAX_PAYLOAD);
        assertThat(payloads.getFirst()[0]).as("S bit, partition 0").isEqualTo((byte) 0x10);
        assertThat(payloads.get(1)[0]).isZero();
        var joined = new java.io.ByteArrayOutputStream();
        for (byte[] p : payloads) joined.write(p, 1, p.length - 1);
        assertThat(joined.toByteArray()).isEqualTo(frame);
    }

    @Test
    void aBrokenIvfIsAClearError() {
        assertThatThrownBy(() -> TestPattern.ivfFrames(new byte[10])).isInstanceOf(IOException.class).hasMessageContaining("not an IVF");
        byte[] header = new byte[44];
        header[0] = 'D'; header[1] = 'K'; header[2] = 'I'; header[3] = 'F'; header[6] = 32;
        header[32] = (byte) 200; // a frame of 200 bytes that is not there
        assertThatThrownBy(() -> TestPattern.ivfFrames(header)).isInstanceOf(IOException.class).hasMessageContaining("past the end");
    }
}
