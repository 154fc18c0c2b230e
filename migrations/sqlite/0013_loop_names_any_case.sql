-- Human loop names may have capitals (A2I took them and kept their case). Two names that differ
-- only in case would share an output folder on a case-insensitive disk, so they are one name.
CREATE UNIQUE INDEX human_loops_name_folded ON human_loops (lower(name));
