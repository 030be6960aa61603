-- Emails decided and waiting to be delivered. Each has its own next-attempt
-- time, so an outage of Resend delays every email without losing any, and
-- one failing email never holds up the others. A row leaves the table
-- together with the notification_log row that records its outcome.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      INTEGER NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('operator', 'customer')),
    customer        INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    event_type      TEXT    NOT NULL,
    event           INTEGER REFERENCES events(id) ON DELETE SET NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    html            TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at);
CREATE INDEX deliveries_cooldown ON deliveries (customer, channel, event_type, created_at);

-- How many attempts a logged email took.
ALTER TABLE notification_log ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
