-- A guild's status board: one message, kept up to date in place, listing its bound worlds.
CREATE TABLE status_boards (
    guild_id   VARCHAR(24) NOT NULL PRIMARY KEY,
    channel_id VARCHAR(24) NOT NULL,
    message_id VARCHAR(24) NOT NULL,
    created_by VARCHAR(24) NOT NULL,
    created_at VARCHAR(40) NOT NULL
);
