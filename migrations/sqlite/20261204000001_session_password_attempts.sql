-- Password attempts of a session (re-authentication, current password), counted in one
-- atomic UPDATE before the password is checked, so that parallel attempts see each other.
ALTER TABLE sessions ADD COLUMN password_attempts BIGINT NOT NULL DEFAULT 0;
