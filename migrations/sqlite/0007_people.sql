-- People managed from the browser: a deactivated account cannot sign in (its sessions stop
-- working at once), and an invitation lets a new person choose their own password through a
-- one-time link. Only a SHA-256 of the link's token is stored.
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;

CREATE TABLE invitations (
    token_hash      TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    accepted_at     INTEGER
);
CREATE INDEX invitations_by_user ON invitations (user_id);
