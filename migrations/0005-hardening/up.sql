-- Hardening (issue #8).

-- The controller URL the hub calls: taken only from reports a managed
-- customer sent with its own API key (a report sent with the global key
-- cannot aim the hub's pushes, which carry the customer's secrets).
ALTER TABLE customer_configs ADD COLUMN controller_url TEXT;

-- API key rotation with a grace: the key the controller still holds keeps
-- working (and is what the hub presents to it) until the node reports with
-- the new key, or previous_key_until passes.
ALTER TABLE customer_configs ADD COLUMN previous_api_key TEXT;
ALTER TABLE customer_configs ADD COLUMN previous_api_key_sha256 BLOB;
ALTER TABLE customer_configs ADD COLUMN previous_key_until INTEGER;
CREATE UNIQUE INDEX customer_configs_previous_key ON customer_configs (previous_api_key_sha256)
    WHERE previous_api_key_sha256 IS NOT NULL;

-- Failed retrieval-password attempts, per customer id (`id:<customer>`)
-- and per client address (`ip:<address>`): the recent failure times (unix
-- ms, comma-separated, at most the limit's count). Persisted so a restart
-- or a flood of random ids never lifts a lockout; one primary-key row per
-- attempt, so checking costs the same however many rows there are.
CREATE TABLE retrieval_failures (
    key        TEXT    PRIMARY KEY,
    failures   TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX retrieval_failures_updated ON retrieval_failures (updated_at);
