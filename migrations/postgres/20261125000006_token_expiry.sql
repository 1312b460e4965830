-- Agent tokens may expire: refused from `expires_at` on, like revoked ones. Tokens issued
-- before lifetimes existed keep NULL (never). Rotation sets the old token's expiry to the end
-- of the chosen overlap.
ALTER TABLE agent_tokens ADD COLUMN expires_at BIGINT;
