-- Each workspace's default lifetime for new agent tokens, in days; NULL means "never expire"
-- (an admin's explicit choice). Existing workspaces get the product default of 90 days.
ALTER TABLE workspaces ADD COLUMN token_lifetime_days BIGINT DEFAULT 90;
