-- A worker's task page saw the template's frame leave Loupe's document (a script or a link
-- navigated it elsewhere): one row per task and worker, with how often and when last, for the
-- admin's loop page.
CREATE TABLE frame_departures (
    task_id         BIGINT  NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    worker_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    times           BIGINT  NOT NULL,
    first_at        BIGINT  NOT NULL,
    last_at         BIGINT  NOT NULL,
    PRIMARY KEY (task_id, worker_id)
);
