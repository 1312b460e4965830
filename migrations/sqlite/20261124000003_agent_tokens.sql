-- Agent runtime credentials and agent columns on the audit trail.

CREATE TABLE agent_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id     BIGINT  NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    prefix       TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX agent_tokens_agent ON agent_tokens (agent_id);

ALTER TABLE audit_events ADD COLUMN agent_id BIGINT;
ALTER TABLE audit_events ADD COLUMN agent_name TEXT;
ALTER TABLE audit_events ADD COLUMN token_prefix TEXT;
ALTER TABLE audit_events ADD COLUMN outcome TEXT;
