-- Secrets: per-workspace data keys (wrapped under the master key), secrets with their
-- encrypted versions, access grants, and the audit trail.

CREATE TABLE workspace_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    version      BIGINT  NOT NULL,
    kek_id       TEXT    NOT NULL,
    wrapped_key  BYTEA    NOT NULL,
    encryptions  BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    UNIQUE (workspace_id, version)
);

CREATE TABLE secrets (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    kind            TEXT    NOT NULL CHECK (kind IN ('single', 'pairs')),
    key_names       TEXT    NOT NULL DEFAULT '',
    current_version BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    deleted_at      BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE secret_versions (
    secret_id  BIGINT NOT NULL REFERENCES secrets (id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    key_id     BIGINT NOT NULL REFERENCES workspace_keys (id),
    sealed     BYTEA   NOT NULL,
    kind       TEXT   NOT NULL,
    key_names  TEXT   NOT NULL DEFAULT '',
    created_by TEXT   NOT NULL,
    note       TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (secret_id, version)
);

CREATE TABLE secret_grants (
    secret_id  BIGINT NOT NULL REFERENCES secrets (id) ON DELETE CASCADE,
    agent_id   BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (secret_id, agent_id)
);
CREATE INDEX secret_grants_agent ON secret_grants (agent_id);

CREATE TABLE audit_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    secret_id    BIGINT,
    secret_name  TEXT,
    detail       TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX audit_events_workspace_time ON audit_events (workspace_id, created_at);
