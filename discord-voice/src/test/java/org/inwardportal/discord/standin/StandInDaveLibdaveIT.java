package org.inwardportal.discord.standin;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import club.minnced.discord.jdave.interop.JDaveSessionFactory;
import net.dv8tion.jda.api.audio.dave.DaveSessionFactory;
import org.inwardportal.discord.dave.LatestKeyPackageOnly;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link DaveCallScenarios} with the bot on libdave (JDA + jdave's {@code JDaveSessionFactory}, wrapped
 * in {@link LatestKeyPackageOnly} as the relay runs it)
 * and the emulated members on the pure-Java session: a mixed group, formed by the stand-in's
 * BouncyCastle external sender, across joins, leaves and epoch changes. libdave needs glibc 2.38:
 * this runs in the failsafe execution "libdave" (a JVM started through Debian 13's loader,
 * scripts/lib/dave/bin/java); elsewhere it is skipped with the reason, and under scripts/test
 * (INWARD_TEST_REQUIRE_LIBDAVE) it fails instead.
 */
class StandInDaveLibdaveIT extends DaveCallScenarios {
    private static final String UNAVAILABLE = LibdaveGroupOfTwo.libdaveUnavailable();

    @BeforeEach
    void libdaveLoads() {
        if (UNAVAILABLE != null && System.getenv("INWARD_TEST_REQUIRE_LIBDAVE") != null) {
            fail("libdave must load here (scripts/test starts this JVM through Debian 13's loader): " + UNAVAILABLE);
        }
        assumeTrue(UNAVAILABLE == null, () -> "libdave cannot load in this JVM (" + UNAVAILABLE
                + "; it needs glibc >= 2.38); run it as scripts/test does (docs/dave.md)");
    }

    @Override
    protected DaveSessionFactory factory() {
        return new LatestKeyPackageOnly(new JDaveSessionFactory()); // as the relay has it (DaveImplementation)
    }

}
