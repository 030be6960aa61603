-- Dashboard sessions (issue #11). Only a SHA-256 of the 256-bit session
-- token is stored; the token lives in the operator's cookie. A session
-- ends 7 days after login or 12 hours after its last use, whichever comes
-- first, and at logout.
CREATE TABLE sessions (
    id_sha256    BLOB    PRIMARY KEY,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    -- The per-session token every form carries (CSRF).
    csrf_token   TEXT    NOT NULL,
    -- A message for the next page (an action's result), shown once.
    flash        TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
