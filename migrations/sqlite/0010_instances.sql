-- Server processes as instances (by default `<hostname>:<port>`, so a restarted replica keeps its
-- id), each beating its heartbeat here every second. Leased outbox rows and webhook deliveries
-- name their holder, so a lease ends when its holder stops beating (or when it starts again),
-- not only when its time runs out.
CREATE TABLE instances (
    id              TEXT    PRIMARY KEY,
    started_at      INTEGER NOT NULL,
    heartbeat_at    INTEGER NOT NULL
);

ALTER TABLE output_outbox ADD COLUMN leased_by TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN leased_by TEXT;

-- Leased rows are few (what is in flight): every pass looks for those of gone holders.
CREATE INDEX output_outbox_leased ON output_outbox (leased_by)
    WHERE leased_by IS NOT NULL AND done_at IS NULL;
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (leased_by)
    WHERE leased_by IS NOT NULL AND delivered_at IS NULL AND gave_up_at IS NULL;
