-- SageMaker compilation jobs. `spec` is the CreateCompilationJob request as read (canonical JSON);
-- the other columns are what happens to the job. `name_folded` keeps names unique ignoring case.
-- A job runs on the replica named in `claimed_by` while that replica beats its heartbeat
-- (`instances`); a job whose replica stopped beating is taken up again by another.
CREATE TABLE compilation_jobs (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL,
    name_folded        TEXT    NOT NULL UNIQUE,
    spec               TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    failure_reason     TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    last_modified_at   INTEGER NOT NULL,
    started_at         INTEGER,
    ended_at           INTEGER,
    claimed_by         TEXT,
    attempts           INTEGER NOT NULL DEFAULT 0,
    phase              TEXT,
    log                TEXT    NOT NULL DEFAULT '',
    artifact_digest    TEXT,
    manifest           TEXT,
    peak_memory_bytes  INTEGER
);
CREATE INDEX compilation_jobs_created ON compilation_jobs (created_at);
CREATE INDEX compilation_jobs_modified ON compilation_jobs (last_modified_at);
-- The runners' question, asked every second by every replica: which jobs are not over yet.
CREATE INDEX compilation_jobs_open ON compilation_jobs (created_at)
    WHERE status IN ('STARTING', 'INPROGRESS', 'STOPPING');
