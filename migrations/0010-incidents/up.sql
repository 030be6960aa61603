-- Incidents: what the hub said about each open problem, so every later
-- decision (the "recovered", reminders, holds) reads what was really sent.
-- customer NULL: the fleet incident of the mass-outage guard.
CREATE TABLE incidents (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    customer             INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    family               TEXT    NOT NULL
        CHECK (family IN ('node', 'backup', 'dbdump', 'disk', 'flapping', 'fleet')),
    opened_at            INTEGER NOT NULL,
    opened_event         INTEGER REFERENCES events(id) ON DELETE SET NULL,
    opened_by            TEXT    NOT NULL,
    message              TEXT    NOT NULL,
    notified_operator_at INTEGER,
    notified_customer_at INTEGER,
    -- maintenance:<window> | inhibited | mass_outage:<incident> | flapping:<incident>
    held                 TEXT,
    -- A held opening is looked at again from then on (a window's end plus
    -- maintenance.end_grace); NULL while its cause lasts.
    held_until           INTEGER,
    reminders_sent       INTEGER NOT NULL DEFAULT 0,
    next_reminder_at     INTEGER,
    -- A resolution waiting out alerting.resolve_hold.
    resolving_since      INTEGER,
    resolving_event      INTEGER REFERENCES events(id) ON DELETE SET NULL,
    resolved_at          INTEGER,
    resolved_event       INTEGER REFERENCES events(id) ON DELETE SET NULL,
    -- The resolution was notified (or decided not to be): nothing more to say.
    resolve_notified     INTEGER NOT NULL DEFAULT 0,
    -- Notifications held while open, by event type: {"backup_failed": 2}.
    inhibited            TEXT    NOT NULL DEFAULT '{}',
    detail               TEXT    NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX incidents_open ON incidents (coalesce(customer, 0), family)
    WHERE resolved_at IS NULL;
CREATE INDEX incidents_customer ON incidents (customer, opened_at);
CREATE INDEX incidents_unsettled ON incidents (id) WHERE resolve_notified = 0;

-- Planned work. customer NULL: the whole fleet. once/action windows use
-- starts_at/ends_at (UTC); daily/weekly ones start_time ("HH:MM" local in
-- tz) and duration_s, weekly ones also weekdays ("sun,wed").
CREATE TABLE maintenance_windows (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer    INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('once', 'daily', 'weekly', 'action')),
    starts_at   INTEGER,
    ends_at     INTEGER,
    start_time  TEXT,
    duration_s  INTEGER,
    weekdays    TEXT    NOT NULL DEFAULT '',
    tz          TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    ended_at    INTEGER
);

-- What the newest report says beyond health, for the status and its
-- reason: when the last backup or dump failed (NULL: it did not), the
-- checks that are not ok ("tunnel, disk"), the fullest disk in percent.
ALTER TABLE latest_reports ADD COLUMN backup_failed_at INTEGER;
ALTER TABLE latest_reports ADD COLUMN dbdump_failed_at INTEGER;
ALTER TABLE latest_reports ADD COLUMN failing_checks TEXT NOT NULL DEFAULT '';
ALTER TABLE latest_reports ADD COLUMN disk_used_pct INTEGER;
