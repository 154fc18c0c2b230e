-- Failed sign-ins are counted per account and client address, and a lock holds only for the
-- address that earned it: someone guessing from elsewhere cannot lock a person out. The
-- account-wide counters in users (failed_logins, locked_until) are no longer used.
CREATE TABLE sign_in_locks (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client          TEXT    NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    locked_until    INTEGER,
    PRIMARY KEY (user_id, client)
);
UPDATE users SET failed_logins = 0, locked_until = NULL;
