-- Bindings: one shard's room joined to one Discord voice channel (and its text channel).
-- Ids are Discord snowflakes kept as text (both stores, no 64-bit sign questions).
CREATE TABLE bindings (
    id               VARCHAR(40)  NOT NULL PRIMARY KEY,
    guild_id         VARCHAR(24)  NOT NULL,
    voice_channel_id VARCHAR(24)  NOT NULL,
    text_channel_id  VARCHAR(24),
    shard            VARCHAR(200) NOT NULL,
    display_name     VARCHAR(200) NOT NULL,
    to_shard         VARCHAR(16)  NOT NULL,
    notifications    INTEGER      NOT NULL,
    chat_bridge      INTEGER      NOT NULL,
    created_by       VARCHAR(24)  NOT NULL,
    created_at       VARCHAR(40)  NOT NULL,
    CONSTRAINT bindings_voice_channel UNIQUE (voice_channel_id),
    CONSTRAINT bindings_shard UNIQUE (shard)
);
CREATE INDEX bindings_guild ON bindings (guild_id);
