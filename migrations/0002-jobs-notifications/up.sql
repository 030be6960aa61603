-- Dead man's switch state, daily-job bookkeeping, notification delivery.

-- Last state the staleness job saw per customer, so a restart neither
-- repeats nor misses a transition.
CREATE TABLE node_states (
    customer   INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    state      TEXT    NOT NULL CHECK (state IN ('ok', 'stale', 'down')),
    changed_at INTEGER NOT NULL
);

-- Local date (in alerting.timezone) a daily job last ran, per job.
CREATE TABLE job_runs (
    job        TEXT    PRIMARY KEY,
    local_date TEXT    NOT NULL,
    ran_at     INTEGER NOT NULL
);

-- Small persisted values: newest controller version, last good template.
CREATE TABLE hub_state (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Every notification decision: sent, skipped (with the reason) or failed.
CREATE TABLE notification_log (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    channel     TEXT    NOT NULL CHECK (channel IN ('operator', 'customer')),
    customer    INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    event_type  TEXT    NOT NULL,
    event       INTEGER REFERENCES events(id) ON DELETE SET NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('sent', 'skipped', 'failed')),
    reason      TEXT    NOT NULL DEFAULT '',
    recipient   TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    provider_id TEXT
);
CREATE INDEX notification_log_cooldown ON notification_log (customer, channel, event_type, created_at)
    WHERE outcome = 'sent';
CREATE INDEX notification_log_time ON notification_log (created_at);

-- The outbox again, now with AUTOINCREMENT: its ids go into Resend
-- idempotency keys and must never be reused after a row is deleted.
CREATE TABLE outbox_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('event', 'legacy_notify')),
    customer   INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    event      INTEGER REFERENCES events(id) ON DELETE CASCADE,
    payload    TEXT    NOT NULL
);
INSERT INTO outbox_new (id, created_at, kind, customer, event, payload)
    SELECT id, created_at, kind, customer, event, payload FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
