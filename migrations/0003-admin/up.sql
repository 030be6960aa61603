-- Admin API: operator tokens and the audit log; customer configs keep a
-- JSON document (tokens, monitoring overrides, legacy UUIDs, settings).

CREATE TABLE admin_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    sha256     BLOB    NOT NULL UNIQUE,
    read_only  INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- Every mutating admin action: who, what, on which customer, when, outcome.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    customer_id TEXT,
    details     TEXT    NOT NULL DEFAULT '{}',
    outcome     TEXT    NOT NULL
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, id);

ALTER TABLE customer_configs RENAME COLUMN settings TO document;
