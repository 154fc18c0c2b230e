-- The fingerprint of the master key this database's secrets are sealed with (an HMAC of a fixed
-- label under the key, which reveals nothing of it), so a process started with another key is
-- refused before it seals or fails to open anything. At most one row.
CREATE TABLE master_key (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint     TEXT    NOT NULL,
    recorded_at     INTEGER NOT NULL
);
