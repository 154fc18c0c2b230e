-- A worker's task page saw the template's frame leave Loupe's document (a script or a link
-- navigated it elsewhere): one row per task and worker, with how often and when last, for the
-- admin's loop page.
CREATE TABLE frame_departures (
    task_id         INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    worker_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    times           INTEGER NOT NULL,
    first_at        INTEGER NOT NULL,
    last_at         INTEGER NOT NULL,
    PRIMARY KEY (task_id, worker_id)
);
