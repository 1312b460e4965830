-- A counter that moves whenever something a remembered runtime read depends on changes:
-- tokens (revoked, expiry, deleted), agents, the workspace flag, secrets (any column: value
-- version, trash, description, expiry), versions and grants removed. Each server reads it
-- every change_poll_ms to see changes made by other instances and the CLI. (New tokens,
-- secrets, versions and grants need no move: only granted reads are remembered, and the
-- secret's current version moves with an update of `secrets`.)
CREATE TABLE change_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT  NOT NULL
);
INSERT INTO change_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER change_epoch_tokens_update AFTER UPDATE OF revoked_at, expires_at, token_hash, agent_id ON agent_tokens
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_tokens_delete AFTER DELETE ON agent_tokens
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_agents_update AFTER UPDATE ON agents
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_agents_delete AFTER DELETE ON agents
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_workspaces_update AFTER UPDATE ON workspaces
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_workspaces_delete AFTER DELETE ON workspaces
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_secrets_update AFTER UPDATE ON secrets
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_secrets_delete AFTER DELETE ON secrets
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_versions_delete AFTER DELETE ON secret_versions
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_epoch_grants_delete AFTER DELETE ON secret_grants
BEGIN UPDATE change_epoch SET n = n + 1 WHERE id = 1; END;
