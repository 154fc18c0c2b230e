-- What the admin dashboard and the loops page's status filter read, kept cheap at millions of
-- loops: counts by status and the oldest open loop come from an index, not a table scan.
CREATE INDEX human_loops_by_status ON human_loops (status, created_at);
CREATE INDEX human_loops_by_completed ON human_loops (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX tasks_by_submitted ON tasks (submitted_at) WHERE submitted_at IS NOT NULL;
