-- Invitations: an admin invites an email to a workspace with a role. The link carries a random
-- token of which only the SHA-256 (hex) is stored. Pending = not accepted, not revoked, not
-- expired. At most one open (not accepted, not revoked) invitation per email and workspace: a
-- new invitation revokes the older one in the same transaction.

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'member')),
    token_hash   TEXT    NOT NULL UNIQUE,
    invited_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    expires_at   BIGINT  NOT NULL,
    accepted_at  BIGINT,
    accepted_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    revoked_at   BIGINT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX invitations_workspace ON invitations (workspace_id, created_at);
CREATE UNIQUE INDEX invitations_open_email ON invitations (workspace_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
