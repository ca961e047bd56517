package org.inwardportal.discord.voice;

import club.minnced.discord.jdave.interop.JDaveSessionFactory;
import net.dv8tion.jda.api.audio.AudioModuleConfig;
import net.dv8tion.jda.api.audio.dave.DaveSessionFactory;
import org.inwardportal.discord.dave.JavaDaveSessionFactory;
import org.inwardportal.discord.dave.LatestKeyPackageOnly;

/**
 * The DAVE implementation the bots use, chosen once from the configured {@link DaveMode} and what
 * loads here ({@link DaveSupport#probe()}), with the reason in words for the start-up log.
 *
 * @param name {@code libdave}, {@code java} or {@code off}
 * @param usable false when the mode asks for something this host cannot give (libdave without glibc 2.38)
 */
public record DaveImplementation(DaveMode mode, String name, boolean usable, String description) {

    public static DaveImplementation select(DaveMode mode) {
        return select(mode, DaveSupport.probe());
    }

    static DaveImplementation select(DaveMode mode, DaveSupport libdave) {
        return switch (mode) {
            case AUTO -> libdave.available()
                    ? new DaveImplementation(mode, "libdave", true, libdave.description() + " (dave = auto)")
                    : new DaveImplementation(mode, "java", true, "pure Java (BouncyCastle MLS), DAVE protocol version "
                            + org.inwardportal.discord.dave.JavaDaveSession.MAX_PROTOCOL_VERSION + " (dave = auto; " + libdave.description() + ")");
            case LIBDAVE -> libdave.available()
                    ? new DaveImplementation(mode, "libdave", true, libdave.description() + " (dave = libdave)")
                    : new DaveImplementation(mode, "libdave", false, "dave = libdave, but " + libdave.description());
            case JAVA -> new DaveImplementation(mode, "java", true, "pure Java (BouncyCastle MLS), DAVE protocol version "
                    + org.inwardportal.discord.dave.JavaDaveSession.MAX_PROTOCOL_VERSION + " (dave = java)");
            case OFF -> new DaveImplementation(mode, "off", true, "off (dave = off): protocol version 0, accepted only by the local stand-in");
        };
    }

    /** True when voice connections offer DAVE (protocol version 1). */
    public boolean encrypts() {
        return usable && !"off".equals(name);
    }

    /** JDA's audio configuration for this choice (JDA's passthrough session when off or unusable). */
    public AudioModuleConfig audioModuleConfig() {
        AudioModuleConfig config = new AudioModuleConfig();
        DaveSessionFactory factory = !usable ? null : switch (name) {
            case "libdave" -> new LatestKeyPackageOnly(new JDaveSessionFactory()); // jdave 0.1.5 sends a dead key package after op 31
            case "java" -> new JavaDaveSessionFactory();
            default -> null;
        };
        return factory == null ? config : config.withDaveSessionFactory(factory);
    }
}
