-- Work team settings that arrive through SageMaker's CreateWorkteam / UpdateWorkteam and are
-- shown back by DescribeWorkteam, kept as the caller sent them (JSON).

ALTER TABLE work_teams ADD COLUMN member_definitions TEXT;
ALTER TABLE work_teams ADD COLUMN worker_access TEXT;
ALTER TABLE work_teams ADD COLUMN tags TEXT;
