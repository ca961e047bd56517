package org.inwardportal.relay.opus;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * libopus bound with the FFM API (JEP 454). Downcalls through {@link MethodHandle}s take primitives
 * and segments only, so a decode or encode allocates nothing on the Java heap (JNA, which opus-java
 * uses, boxes every argument). The library itself is the build opus-java-natives ships, extracted
 * once to a temporary file; {@code -Dportal.libopus=/path/libopus.so} loads another.
 */
final class LibOpus {
    static final int OK = 0;
    static final int APPLICATION_VOIP = 2048;
    static final int APPLICATION_AUDIO = 2049;
    static final int SET_BITRATE = 4002;
    static final int SET_INBAND_FEC = 4012;
    static final int SET_PACKET_LOSS_PERC = 4014;
    static final int RESET_STATE = 4028;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = SymbolLookup.libraryLookup(locate(), Arena.global());

    static final MethodHandle DECODER_CREATE = handle("opus_decoder_create",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    static final MethodHandle DECODE = handle("opus_decode", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    static final MethodHandle DECODER_DESTROY = handle("opus_decoder_destroy", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    static final MethodHandle ENCODER_CREATE = handle("opus_encoder_create", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    static final MethodHandle ENCODE = handle("opus_encode", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    static final MethodHandle ENCODER_DESTROY = handle("opus_encoder_destroy", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    /** {@code int opus_encoder_ctl(OpusEncoder *st, int request, ...)} with one int argument: a variadic call. */
    static final MethodHandle ENCODER_CTL_INT = LINKER.downcallHandle(LIB.find("opus_encoder_ctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    /** {@code int opus_decoder_ctl(OpusDecoder *st, int request, ...)} with no argument (OPUS_RESET_STATE). */
    static final MethodHandle DECODER_CTL = LINKER.downcallHandle(LIB.find("opus_decoder_ctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
    static final MethodHandle STRERROR = handle("opus_strerror", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private LibOpus() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIB.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libopus has no " + name)), descriptor);
    }

    /** libopus's words for an error code, for exceptions (never on the hot path). */
    static String describe(int error) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(error);
            return s.reinterpret(256).getString(0) + " (" + error + ")";
        } catch (Throwable t) {
            return "opus error " + error;
        }
    }

    private static Path locate() {
        String configured = System.getProperty("portal.libopus");
        if (configured != null) return Path.of(configured);
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86-64";
            case "aarch64" -> "aarch64";
            default -> throw new UnsatisfiedLinkError("no bundled libopus for " + System.getProperty("os.arch")
                    + "; set -Dportal.libopus=/path/to/libopus.so");
        };
        if (!os.contains("linux")) throw new UnsatisfiedLinkError("no bundled libopus for " + os + "; set -Dportal.libopus");
        String resource = "/natives/linux-" + arch + "/libopus.so";
        try (InputStream in = LibOpus.class.getResourceAsStream(resource)) {
            if (in == null) throw new UnsatisfiedLinkError(resource + " is not on the class path (club.minnced:opus-java-natives)");
            Path file = Files.createTempFile("portal-libopus", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("cannot extract " + resource + ": " + e.getMessage());
        }
    }
}
