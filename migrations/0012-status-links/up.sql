-- The status page's links (see the README's "Status page"): a customer's
-- revocation counter, signed into every link; raising it ends all of the
-- customer's earlier links.
ALTER TABLE customers ADD COLUMN status_link_epoch INTEGER NOT NULL DEFAULT 0;

-- The links' own signing key, sealed like every other secret (made once).
CREATE TABLE status_link_key (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB    NOT NULL
);
