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

CREATE FUNCTION change_epoch_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

-- Deferred to commit: the counter's row is then the last lock a transaction takes, so it
-- cannot close a cycle with the workspace and membership locks that changes take first.
CREATE CONSTRAINT TRIGGER change_epoch_tokens_update AFTER UPDATE OF revoked_at, expires_at, token_hash, agent_id ON agent_tokens
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_epoch_move();
CREATE CONSTRAINT TRIGGER change_epoch_tokens_delete AFTER DELETE ON agent_tokens
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_epoch_move();
CREATE CONSTRAINT TRIGGER change_epoch_agents AFTER UPDATE OR DELETE ON agents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_epoch_move();
CREATE CONSTRAINT TRIGGER change_epoch_workspaces AFTER UPDATE OR DELETE ON workspaces
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_epoch_move();
CREATE CONSTRAINT TRIGGER change_epoch_secrets AFTER UPDATE OR DELETE ON secrets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_epoch_move();
CREATE CONSTRAINT TRIGGER change_epoch_versions_delete AFTER DELETE ON secret_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_epoch_move();
CREATE CONSTRAINT TRIGGER change_epoch_grants_delete AFTER DELETE ON secret_grants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_epoch_move();
