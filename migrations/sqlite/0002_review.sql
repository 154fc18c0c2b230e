-- The review engine: worker groups, task UIs, flow definitions, human loops, their tasks,
-- cost lines, the output outbox and status-change events.
-- Timestamps are milliseconds since the Unix epoch (UTC); JSON is stored as text.

ALTER TABLE work_teams ADD COLUMN notification_topic_arn TEXT;
ALTER TABLE work_teams ADD COLUMN updated_at INTEGER;

-- Named sets of workers; a team's members are its workers plus the members of its groups.
CREATE TABLE worker_groups (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL
);

CREATE TABLE worker_group_members (
    group_id        INTEGER NOT NULL REFERENCES worker_groups (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX worker_group_members_by_user ON worker_group_members (user_id);

CREATE TABLE work_team_groups (
    team_id         INTEGER NOT NULL REFERENCES work_teams (id) ON DELETE CASCADE,
    group_id        INTEGER NOT NULL REFERENCES worker_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, group_id)
);

CREATE TABLE human_task_uis (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    template        TEXT    NOT NULL,
    content_sha256  TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    tags            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);

-- `spec` is the whole CreateFlowDefinition as parsed (canonical JSON); the other columns are
-- what queries filter on.
CREATE TABLE flow_definitions (
    id                  INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    status              TEXT    NOT NULL,
    failure_reason      TEXT,
    spec                TEXT    NOT NULL,
    workteam_name       TEXT,
    public_crowd        INTEGER NOT NULL,
    custom_conditions   TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX flow_definitions_by_team ON flow_definitions (workteam_name);

CREATE TABLE human_loops (
    id                  INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    flow_id             INTEGER NOT NULL REFERENCES flow_definitions (id),
    status              TEXT    NOT NULL,
    failure_code        TEXT,
    failure_reason      TEXT,
    input_content       TEXT    NOT NULL,
    input_sha256        TEXT    NOT NULL,
    content_classifiers TEXT    NOT NULL,
    activation          TEXT,
    task_count          INTEGER NOT NULL,
    time_limit_ms       INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    completed_at        INTEGER,
    output_uri          TEXT
);
CREATE INDEX human_loops_by_flow ON human_loops (flow_id, created_at, id);
CREATE INDEX human_loops_by_created ON human_loops (created_at, id);
CREATE INDEX human_loops_open_by_expiry ON human_loops (expires_at) WHERE status IN ('InProgress', 'Stopping');

-- One row per assignment slot: TaskCount rows per loop. A worker holds at most one task of a
-- loop, ever: UNIQUE (loop_id, worker_id) makes that a database fact, on every replica.
CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY,
    loop_id         INTEGER NOT NULL REFERENCES human_loops (id) ON DELETE CASCADE,
    flow_id         INTEGER NOT NULL,
    slot            INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    worker_id       INTEGER REFERENCES users (id),
    accepted_at     INTEGER,
    deadline_at     INTEGER,
    submitted_at    INTEGER,
    time_spent_ms   INTEGER,
    answer          TEXT,
    available_until INTEGER NOT NULL,
    time_limit_ms   INTEGER NOT NULL,
    UNIQUE (loop_id, slot),
    UNIQUE (loop_id, worker_id)
);
CREATE INDEX tasks_queue ON tasks (flow_id, id) WHERE status = 'Available';
CREATE INDEX tasks_held_by_deadline ON tasks (deadline_at) WHERE status = 'Accepted';
CREATE INDEX tasks_by_worker ON tasks (worker_id, status);

-- 1..3, to fan a loop out into TaskCount task rows with one INSERT ... SELECT.
CREATE TABLE task_slots (
    slot            INTEGER PRIMARY KEY
);
INSERT INTO task_slots (slot) VALUES (1), (2), (3);

-- A worker who declined a loop is not offered it again.
CREATE TABLE task_declines (
    loop_id         INTEGER NOT NULL REFERENCES human_loops (id) ON DELETE CASCADE,
    worker_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    declined_at     INTEGER NOT NULL,
    PRIMARY KEY (loop_id, worker_id)
);

-- Money earned per submitted task, in tenths of a cent. Kept by name so it outlives the loop.
CREATE TABLE cost_lines (
    id              INTEGER PRIMARY KEY,
    flow_name       TEXT    NOT NULL,
    loop_name       TEXT    NOT NULL,
    worker_id       INTEGER NOT NULL,
    amount_millis   INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL
);
CREATE INDEX cost_lines_by_time ON cost_lines (recorded_at);
CREATE INDEX cost_lines_by_flow ON cost_lines (flow_name, recorded_at);
CREATE INDEX cost_lines_by_worker ON cost_lines (worker_id, recorded_at);

-- output.json files to write, with their final bytes, recorded in the transaction that ends the
-- loop. A runner leases due rows, writes, and marks them done; a retry writes the same bytes.
CREATE TABLE output_outbox (
    id              INTEGER PRIMARY KEY,
    loop_name       TEXT    NOT NULL,
    uri             TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    done_at         INTEGER
);
CREATE INDEX output_outbox_due ON output_outbox (next_attempt_at) WHERE done_at IS NULL;

-- Status-change events (EventBridge shape) in the order they happened, for delivery.
CREATE TABLE loop_events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT    NOT NULL UNIQUE,
    loop_name       TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    output_id       INTEGER,
    created_at      INTEGER NOT NULL
);
