-- When a managed customer's node first reported with its own API key
-- (security review #7): from then on the global report key no longer
-- speaks for that customer. NULL: not yet (the adoption window).
ALTER TABLE customer_configs ADD COLUMN own_key_seen_at INTEGER;
