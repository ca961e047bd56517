-- Relay-wide settings as name/value pairs (instance id, later: feature switches).
-- Written in SQL that both SQLite and PostgreSQL accept: every migration must stay so.
CREATE TABLE settings (
    name       VARCHAR(200) NOT NULL PRIMARY KEY,
    value      TEXT         NOT NULL,
    updated_at VARCHAR(40)  NOT NULL
);
