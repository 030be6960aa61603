-- Secrets at rest (issue #12). The values themselves are sealed by the hub
-- at start (XChaCha20-Poly1305, key outside the database), in the columns
-- they always lived in: a sealed value is a BLOB, a value from before
-- sealing is TEXT until the first start with a key seals it.
--   customer_configs.api_key, previous_api_key, session_secret: sealed
--   customer_configs.retrieval_password: only a SHA-256 digest (BLOB)
--   customer_configs.tokens (new): the token values, sealed; the config
--     document keeps only their names
--   infra_backups.body: sealed (after compression)

ALTER TABLE customer_configs ADD COLUMN tokens BLOB;

-- Proves at start that the configured key is the one the secrets were
-- sealed with: a known text sealed under it.
CREATE TABLE secrets_meta (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    key_check BLOB NOT NULL
);
