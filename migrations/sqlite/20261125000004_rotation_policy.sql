-- Rotation policy: rotate every `rotation_days` days (counted from the current version's
-- creation, so every value change restarts the clock), and an optional hard expiry.
ALTER TABLE secrets ADD COLUMN rotation_days BIGINT;
ALTER TABLE secrets ADD COLUMN expires_at BIGINT;
