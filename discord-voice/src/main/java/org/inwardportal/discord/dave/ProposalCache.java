package org.inwardportal.discord.dave;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.ProposalType;
import org.bouncycastle.mls.protocol.Group;

/**
 * The proposals a bcmls {@link Group} holds for its next commit, for what bcmls has no API for:
 * dropping some of them when the voice gateway revokes them (whitepaper "Proposal Handling": "the
 * voice gateway may revoke in-flight proposals"; op 27 operation type 1), and dropping those of a
 * proposals message that is refused (bcmls caches a proposal as it handles it). It reaches bcmls 1.84's
 * private {@code Group.pendingProposals} and {@code CachedProposal.proposalRef} by reflection; if a
 * later bcmls renames them, {@link #unavailable()} says so and revokes are refused by name.
 * Callers hold {@link MlsLock#LOCK}.
 */
final class ProposalCache {
    private static final Field PENDING;
    private static final Field REF;
    private static final Field PROPOSAL;
    private static final String UNAVAILABLE;

    static {
        Field pending = null;
        Field ref = null;
        Field proposal = null;
        String why = null;
        try {
            pending = Group.class.getDeclaredField("pendingProposals");
            Class<?> cached = Class.forName("org.bouncycastle.mls.protocol.CachedProposal");
            ref = cached.getDeclaredField("proposalRef");
            proposal = cached.getDeclaredField("proposal");
            pending.setAccessible(true);
            ref.setAccessible(true);
            proposal.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = "bcmls's proposal cache is not reachable (" + e + ")";
        }
        PENDING = pending;
        REF = ref;
        PROPOSAL = proposal;
        UNAVAILABLE = why;
    }

    private ProposalCache() {}

    /** Why revokes cannot be applied, or null when they can. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * Drops the cached proposals whose references are {@code refs}; every reference must be cached
     * (else nothing is dropped). Returns how many Add proposals are left.
     */
    static int revoke(Group group, List<byte[]> refs) throws DaveProtocolException {
        List<?> cached = cached(group);
        try {
            List<Object> drop = new ArrayList<>();
            for (byte[] ref : refs) {
                Object match = null;
                for (Object c : cached) if (Arrays.equals((byte[]) REF.get(c), ref)) match = c;
                if (match == null) throw new DaveProtocolException("revoke of a proposal that is not cached");
                drop.add(match);
            }
            cached.removeAll(drop);
            int adds = 0;
            for (Object c : cached) if (((Proposal) PROPOSAL.get(c)).getProposalType() == ProposalType.ADD) adds++;
            return adds;
        } catch (IllegalAccessException e) {
            throw new DaveProtocolException("proposal revoke: " + e);
        }
    }

    /** How many proposals the group holds for its next commit. */
    static int size(Group group) throws DaveProtocolException {
        return cached(group).size();
    }

    /** How many proposals the group holds, or -1 when bcmls's cache is not reachable. */
    static int sizeIfReachable(Group group) {
        try {
            return size(group);
        } catch (DaveProtocolException e) {
            return -1;
        }
    }

    /** Drops the proposals cached after the first {@code size} (those of a message that was refused). */
    static void truncate(Group group, int size) throws DaveProtocolException {
        List<?> cached = cached(group);
        if (cached.size() > size) cached.subList(size, cached.size()).clear();
    }

    private static List<?> cached(Group group) throws DaveProtocolException {
        if (UNAVAILABLE != null) throw new DaveProtocolException("proposal cache: " + UNAVAILABLE);
        try {
            return (List<?>) PENDING.get(group);
        } catch (IllegalAccessException e) {
            throw new DaveProtocolException("proposal cache: " + e);
        }
    }
}
