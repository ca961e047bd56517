-- What each bound world saw, per UTC day, for /portal stats: sessions (empty → occupied), the
-- most players at once, and the seconds of audio carried each way (frames × 20 ms, summed over
-- speakers toward the world: two members talking for a minute count two).
CREATE TABLE world_stats_daily (
    binding_id       VARCHAR(40) NOT NULL,
    day              VARCHAR(10) NOT NULL,
    sessions         INTEGER     NOT NULL,
    peak_players     INTEGER     NOT NULL,
    discord_audio_ms BIGINT      NOT NULL,
    world_audio_ms   BIGINT      NOT NULL,
    PRIMARY KEY (binding_id, day)
);

-- Bindings whose bridging is paused (their spectator link left the text channel's topic); kept so
-- a restart does not resume what people paused, nor pause what a forgetful stand-in lost.
CREATE TABLE binding_pauses (
    binding_id VARCHAR(40) NOT NULL PRIMARY KEY,
    paused_at  VARCHAR(40) NOT NULL
);
