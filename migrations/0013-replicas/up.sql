-- The hubs watching the fleet on this database, each with its last sign of
-- life (the dead man's switch's pass). A hub joining while another is
-- alive joins its watch (no new grace); one joining alone starts a new
-- watch, whose start is kept in hub_state ('watching_since').
CREATE TABLE replicas (
    id         TEXT    PRIMARY KEY,
    started_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
