-- Platform operators (granted and revoked only through the CLI) and the platform audit
-- log's workspace and reason: every switch of a feature flag says which workspace and why.

CREATE TABLE operators (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

ALTER TABLE operator_events ADD COLUMN workspace_id BIGINT REFERENCES workspaces (id) ON DELETE SET NULL;
ALTER TABLE operator_events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX operator_events_workspace ON operator_events (workspace_id, id);
