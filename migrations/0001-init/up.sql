-- Initial schema. Times are unix milliseconds (UTC); customer ids are
-- interned in `customers` so history rows carry an integer, not the text.

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    customer_id TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    blocked     INTEGER NOT NULL DEFAULT 0
);

-- zstd dictionaries trained on stored reports; reports.dict = 0 means none.
CREATE TABLE compression_dicts (
    id         INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    samples    INTEGER NOT NULL,
    dict       BLOB    NOT NULL
);

-- Report history, keyed for the history endpoint and per-customer pruning.
-- WITHOUT ROWID: the primary key is the table, no second index is paid for.
CREATE TABLE reports (
    customer    INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    ts          INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    dict        INTEGER NOT NULL,
    body        BLOB    NOT NULL,
    PRIMARY KEY (customer, ts)
) WITHOUT ROWID;

-- One row per reporting customer: the fleet view reads only this table.
CREATE TABLE latest_reports (
    customer            INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    ts                  INTEGER NOT NULL,
    received_at         INTEGER NOT NULL,
    health              TEXT    NOT NULL,
    monitoring_disabled INTEGER NOT NULL,
    controller_version  TEXT,
    controller_url      TEXT,
    hostname            TEXT
);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    customer    INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    event_type  TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    details     TEXT,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    source      TEXT    NOT NULL CHECK (source IN ('controller', 'hub')),
    event_id    TEXT
);
CREATE UNIQUE INDEX events_dedup ON events (customer, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX events_customer_time ON events (customer, occurred_at);
CREATE INDEX events_received ON events (received_at);

-- Infra backups as pushed (raw JSON, zstd-compressed); the newest is served.
CREATE TABLE infra_backups (
    id          INTEGER PRIMARY KEY,
    customer    INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body        BLOB    NOT NULL
);
CREATE INDEX infra_backups_customer ON infra_backups (customer, id);

CREATE TABLE customer_notifications (
    customer       INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    email          TEXT    NOT NULL,
    enabled_events TEXT    NOT NULL,
    cooldown_hours INTEGER,
    updated_at     INTEGER NOT NULL
);

-- Managed customers. Credentials are kept readable because the hub must
-- present the API key to the controller and show them to the operator;
-- api_key_sha256 is the lookup key for bearer authentication.
CREATE TABLE customer_configs (
    customer           INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    display_name       TEXT    NOT NULL DEFAULT '',
    domain             TEXT    NOT NULL DEFAULT '',
    contact_email      TEXT    NOT NULL DEFAULT '',
    settings           TEXT    NOT NULL DEFAULT '{}',
    api_key            TEXT    NOT NULL,
    api_key_sha256     BLOB    NOT NULL UNIQUE,
    retrieval_password TEXT    NOT NULL,
    session_secret     TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

-- Emails waiting to be sent; the notification dispatcher drains it.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    customer   INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    event      INTEGER REFERENCES events(id) ON DELETE CASCADE,
    payload    TEXT    NOT NULL
);
