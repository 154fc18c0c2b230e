-- Sessions that began before this time are ended: set when an account is deactivated (so
-- reactivating it does not bring back a session that stayed quiet meanwhile) and when an
-- invitation link sets a new password (so a reset also signs out whoever had the old one).
ALTER TABLE users ADD COLUMN sessions_valid_after BIGINT;
