-- Shard tokens: only a SHA-256 hash is stored; the token itself is shown once, at creation.
CREATE TABLE shard_tokens (
    shard      VARCHAR(200) NOT NULL PRIMARY KEY,
    token_hash VARCHAR(64)  NOT NULL,
    created_at VARCHAR(40)  NOT NULL,
    revoked_at VARCHAR(40)
);
