-- The dashboard's counts without reading every loop: loops per status and loops started and
-- completed per hour, kept by triggers in the same transaction as the change, so they are
-- exactly as durable and as consistent as the loops themselves. Deleting a loop takes it out of
-- the status count; the hourly history of starts and completions stays.
--
-- Concurrent transactions (several replicas, group commits) would queue on one counter row per
-- key, so each key has 16 rows and a transaction adds to the one its backend's pid picks;
-- readers sum them.
CREATE TABLE loop_status_counts (
    status          TEXT    NOT NULL,
    shard           INTEGER NOT NULL,
    loops           BIGINT  NOT NULL,
    PRIMARY KEY (status, shard)
);

CREATE TABLE loop_hourly_counts (
    hour            BIGINT  NOT NULL,
    shard           INTEGER NOT NULL,
    started         BIGINT  NOT NULL,
    completed       BIGINT  NOT NULL,
    PRIMARY KEY (hour, shard)
);

INSERT INTO loop_status_counts (status, shard, loops)
    SELECT status, 0, COUNT(*) FROM human_loops GROUP BY status;
INSERT INTO loop_hourly_counts (hour, shard, started, completed)
    SELECT hour, 0, SUM(started), SUM(completed) FROM (
        SELECT created_at / 3600000 AS hour, 1 AS started, 0 AS completed FROM human_loops
        UNION ALL
        SELECT completed_at / 3600000, 0, 1 FROM human_loops
            WHERE status = 'Completed' AND completed_at IS NOT NULL
    ) AS changes GROUP BY hour;

CREATE FUNCTION count_loop_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    slot INTEGER := pg_backend_pid() % 16;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO loop_status_counts (status, shard, loops) VALUES (NEW.status, slot, 1)
            ON CONFLICT (status, shard) DO UPDATE SET loops = loop_status_counts.loops + 1;
        INSERT INTO loop_hourly_counts (hour, shard, started, completed)
            VALUES (NEW.created_at / 3600000, slot, 1, 0)
            ON CONFLICT (hour, shard) DO UPDATE SET started = loop_hourly_counts.started + 1;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO loop_status_counts (status, shard, loops) VALUES (OLD.status, slot, -1)
            ON CONFLICT (status, shard) DO UPDATE SET loops = loop_status_counts.loops - 1;
        RETURN NULL;
    END IF;
    IF OLD.status IS DISTINCT FROM NEW.status THEN
        INSERT INTO loop_status_counts (status, shard, loops) VALUES (OLD.status, slot, -1)
            ON CONFLICT (status, shard) DO UPDATE SET loops = loop_status_counts.loops - 1;
        INSERT INTO loop_status_counts (status, shard, loops) VALUES (NEW.status, slot, 1)
            ON CONFLICT (status, shard) DO UPDATE SET loops = loop_status_counts.loops + 1;
        IF NEW.status = 'Completed' AND NEW.completed_at IS NOT NULL THEN
            INSERT INTO loop_hourly_counts (hour, shard, started, completed)
                VALUES (NEW.completed_at / 3600000, slot, 0, 1)
                ON CONFLICT (hour, shard) DO UPDATE
                SET completed = loop_hourly_counts.completed + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER human_loops_counted
    AFTER INSERT OR DELETE OR UPDATE OF status ON human_loops
    FOR EACH ROW EXECUTE FUNCTION count_loop_change();

-- Name-prefix search on the loops page: LIKE 'prefix%' can use this index under any locale.
CREATE INDEX human_loops_by_name_pattern ON human_loops (name text_pattern_ops);
