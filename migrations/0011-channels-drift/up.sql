-- The drift job's verdict per managed customer (see the README's "Drift").
-- hash: over the differing (path, hub value, controller value) triples;
-- emitted: the hash a config_drift event was emitted for (NULL: none open).
CREATE TABLE drift_states (
    customer        INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    status          TEXT    CHECK (status IN ('in_sync', 'drifted', 'unknown')),
    hash            TEXT,
    consecutive     INTEGER NOT NULL DEFAULT 0,
    emitted         TEXT,
    since           INTEGER,
    last_checked_at INTEGER,
    next_check_at   INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX drift_states_due ON drift_states (next_check_at);

-- The operator's channels beside email. sealed: the full URL (a webhook's
-- path or an ntfy topic can be a credential) and the secret (the webhook's
-- HMAC key or the ntfy/Telegram token) as sealed JSON; url: the URL as
-- shown (scheme and host); events: comma-separated event types, '' for
-- what the operator email gets.
CREATE TABLE channels (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('webhook', 'ntfy', 'telegram')),
    url             TEXT    NOT NULL DEFAULT '',
    chat_id         TEXT    NOT NULL DEFAULT '',
    sealed          BLOB    NOT NULL,
    has_secret      INTEGER NOT NULL DEFAULT 0,
    events          TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    disabled_reason TEXT,
    disabled_at     INTEGER,
    last_ok_at      INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_error_at   INTEGER
);

-- One message for one channel, with its own attempts: a dead webhook never
-- holds up an email or another channel. The row leaves the table once sent
-- or given up, with a notification_log row.
CREATE TABLE channel_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    customer        INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    event_type      TEXT    NOT NULL,
    event           INTEGER REFERENCES events(id) ON DELETE SET NULL,
    -- The alert as JSON: kind, customer_id, family, event, incident, subject, text, link.
    alert           TEXT    NOT NULL,
    delivery_id     TEXT    NOT NULL UNIQUE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX channel_deliveries_due ON channel_deliveries (next_attempt_at);

-- Channel outcomes go into the same log as the emails.
CREATE TABLE notification_log_new (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    channel     TEXT    NOT NULL CHECK (channel IN ('operator', 'customer', 'webhook', 'ntfy', 'telegram')),
    customer    INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    event_type  TEXT    NOT NULL,
    event       INTEGER REFERENCES events(id) ON DELETE SET NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('sent', 'skipped', 'failed')),
    reason      TEXT    NOT NULL DEFAULT '',
    recipient   TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    provider_id TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO notification_log_new
    SELECT id, created_at, channel, customer, event_type, event, outcome, reason, recipient,
           subject, provider_id, attempts FROM notification_log;
DROP TABLE notification_log;
ALTER TABLE notification_log_new RENAME TO notification_log;
CREATE INDEX notification_log_cooldown ON notification_log (customer, channel, event_type, created_at)
    WHERE outcome = 'sent';
CREATE INDEX notification_log_time ON notification_log (created_at);
