-- When each bound world was last seen occupied: a world empty for the idle window counts as fresh
-- again, and its next player brings a notification. Kept so a restart does not notify twice.
CREATE TABLE binding_activity (
    binding_id     VARCHAR(40) NOT NULL PRIMARY KEY,
    last_active_at VARCHAR(40) NOT NULL,
    notified_at    VARCHAR(40)
);
-- Members who asked for a direct message when a bound world goes from empty to occupied.
CREATE TABLE notify_subscriptions (
    binding_id VARCHAR(40) NOT NULL,
    user_id    VARCHAR(24) NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (binding_id, user_id)
);
