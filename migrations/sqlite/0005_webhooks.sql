-- Webhooks: where status-change events go, signed with the webhook's secret. A webhook with no
-- flow name receives the events of every flow.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    url             TEXT    NOT NULL,
    secret          TEXT    NOT NULL,
    flow_name       TEXT,
    created_at      INTEGER NOT NULL
);

-- One row per (webhook, event), made in the transaction that records the event, so an event is
-- never missed by a webhook that existed when it happened. A runner leases due rows, posts, and
-- records the outcome; rows stay as the delivery history.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER,
    gave_up_at      INTEGER,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
