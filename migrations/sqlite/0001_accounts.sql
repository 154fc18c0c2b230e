-- Accounts, work-team membership, API keys and browser sessions.
-- Timestamps are milliseconds since the Unix epoch (UTC) on both backends.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'worker')),
    created_at      INTEGER NOT NULL,
    last_login_at   INTEGER,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER
);

CREATE TABLE work_teams (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    description     TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE work_team_members (
    team_id         INTEGER NOT NULL REFERENCES work_teams (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at        INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX work_team_members_by_user ON work_team_members (user_id);

CREATE TABLE access_keys (
    id              TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    sealed_secret   TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('Active', 'Inactive')),
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);

-- The layout tower-sessions-sqlx-store expects, under our own name.
CREATE TABLE sessions (
    id              TEXT    PRIMARY KEY NOT NULL,
    data            BLOB    NOT NULL,
    expiry_date     INTEGER NOT NULL
);
