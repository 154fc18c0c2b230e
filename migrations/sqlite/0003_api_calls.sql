-- The audit log of the AWS-compatible API: who (the access key the request named), what
-- (operation), when, and how it ended.

CREATE TABLE api_calls (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    access_key_id   TEXT,
    operation       TEXT    NOT NULL,
    status          INTEGER NOT NULL,
    error_type      TEXT,
    duration_us     INTEGER NOT NULL
);
CREATE INDEX api_calls_by_time ON api_calls (at);
