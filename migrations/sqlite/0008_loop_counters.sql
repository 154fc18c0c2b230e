-- The dashboard's counts without reading every loop: loops per status and loops started and
-- completed per hour, kept by triggers in the same transaction as the change, so they are
-- exactly as durable and as consistent as the loops themselves. Deleting a loop takes it out of
-- the status count; the hourly history of starts and completions stays.
CREATE TABLE loop_status_counts (
    status          TEXT    NOT NULL,
    shard           INTEGER NOT NULL,
    loops           INTEGER NOT NULL,
    PRIMARY KEY (status, shard)
);

CREATE TABLE loop_hourly_counts (
    hour            INTEGER NOT NULL,
    shard           INTEGER NOT NULL,
    started         INTEGER NOT NULL,
    completed       INTEGER NOT NULL,
    PRIMARY KEY (hour, shard)
);

-- SQLite has one writer at a time, so one row per key (shard 0) never contends.
INSERT INTO loop_status_counts (status, shard, loops)
    SELECT status, 0, COUNT(*) FROM human_loops GROUP BY status;
INSERT INTO loop_hourly_counts (hour, shard, started, completed)
    SELECT hour, 0, SUM(started), SUM(completed) FROM (
        SELECT created_at / 3600000 AS hour, 1 AS started, 0 AS completed FROM human_loops
        UNION ALL
        SELECT completed_at / 3600000, 0, 1 FROM human_loops
            WHERE status = 'Completed' AND completed_at IS NOT NULL
    ) GROUP BY hour;

CREATE TRIGGER human_loops_counted_on_insert AFTER INSERT ON human_loops
BEGIN
    INSERT INTO loop_status_counts (status, shard, loops) VALUES (NEW.status, 0, 1)
        ON CONFLICT (status, shard) DO UPDATE SET loops = loops + 1;
    INSERT INTO loop_hourly_counts (hour, shard, started, completed)
        VALUES (NEW.created_at / 3600000, 0, 1, 0)
        ON CONFLICT (hour, shard) DO UPDATE SET started = started + 1;
END;

CREATE TRIGGER human_loops_counted_on_status AFTER UPDATE OF status ON human_loops
WHEN OLD.status <> NEW.status
BEGIN
    UPDATE loop_status_counts SET loops = loops - 1 WHERE status = OLD.status AND shard = 0;
    INSERT INTO loop_status_counts (status, shard, loops) VALUES (NEW.status, 0, 1)
        ON CONFLICT (status, shard) DO UPDATE SET loops = loops + 1;
    INSERT INTO loop_hourly_counts (hour, shard, started, completed)
        SELECT NEW.completed_at / 3600000, 0, 0, 1
        WHERE NEW.status = 'Completed' AND NEW.completed_at IS NOT NULL
        ON CONFLICT (hour, shard) DO UPDATE SET completed = completed + 1;
END;

CREATE TRIGGER human_loops_counted_on_delete AFTER DELETE ON human_loops
BEGIN
    UPDATE loop_status_counts SET loops = loops - 1 WHERE status = OLD.status AND shard = 0;
END;
