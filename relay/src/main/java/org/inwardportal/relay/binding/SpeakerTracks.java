package org.inwardportal.relay.binding;

import java.util.ArrayList;
import java.util.List;

/**
 * Toward the shard in per-speaker mode: one outgoing audio track per Discord speaker, so the world
 * can place each voice. A fixed table of tracks (SSRC {@code base + i}); track 0 is the one the
 * shard's first answer already holds, the others are added by a re-offer the first time they are
 * needed and then kept. A speaker keeps their track while speaking and for {@link #REUSE_NANOS}
 * after; then the track may carry someone else (the {@code speakers} message says who is on which).
 * Each track has its own sequence numbers and its own continuous {@link TimestampRewriter}.
 */
final class SpeakerTracks {
    /** A track silent this long may be given to another speaker. */
    static final long REUSE_NANOS = 5_000_000_000L;

    /** One outgoing track. */
    static final class Track {
        final int index;
        final int ssrc;
        final String trackId;
        final TimestampRewriter clock = new TimestampRewriter();
        long speaker = -1;
        long lastNanos;
        int sequence;
        boolean offered;

        Track(int index, int ssrc, String trackId) {
            this.index = index;
            this.ssrc = ssrc;
            this.trackId = trackId;
        }
    }

    /** Who is on which track now: for the {@code speakers} message and re-offers. */
    record Assignment(long speaker, int ssrc, String trackId, boolean newTrack) {
    }

    private final Track[] tracks;

    /** @param firstTrackId the track id of the track the shard's first answer holds */
    SpeakerTracks(int count, int baseSsrc, String firstTrackId) {
        tracks = new Track[count];
        for (int i = 0; i < count; i++) {
            tracks[i] = new Track(i, baseSsrc + i, i == 0 ? firstTrackId : "speaker-" + i);
        }
        tracks[0].offered = true;
    }

    /** The speaker's track, or null if they have none. */
    Track of(long speaker) {
        for (Track t : tracks) if (t.speaker == speaker) return t;
        return null;
    }

    /**
     * Gives the speaker a free track (never used, or silent for {@link #REUSE_NANOS}); null when
     * all are taken. The caller then tells the shard ({@link #assignments}).
     */
    Track assign(long speaker, long nowNanos) {
        for (Track t : tracks) {
            if (t.speaker == -1 || nowNanos - t.lastNanos >= REUSE_NANOS) {
                t.speaker = speaker;
                return t;
            }
        }
        return null;
    }

    /**
     * The shard has a new session (it reconnected, or sent a new offer): it holds only the first
     * track again, so every other one must be offered anew. True if any speaker has a track now.
     */
    boolean newSession() {
        boolean anyone = false;
        for (Track t : tracks) {
            if (t.index > 0) t.offered = false;
            anyone |= t.speaker != -1;
        }
        return anyone;
    }

    /** The current assignments; tracks not yet offered to the shard are marked, and from now count as offered. */
    List<Assignment> assignments() {
        List<Assignment> out = new ArrayList<>();
        for (Track t : tracks) {
            if (t.speaker == -1) continue;
            out.add(new Assignment(t.speaker, t.ssrc, t.trackId, !t.offered));
            t.offered = true;
        }
        return out;
    }
}
