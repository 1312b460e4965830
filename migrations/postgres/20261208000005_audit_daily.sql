-- Reads and denials per day, for the activity charts: each closed day (UTC) is counted once
-- from the audit log's indexes when a chart first asks for it, then kept here, so that a chart
-- costs 30 small lookups and today's count however long the log grows. `scope` is
-- `workspace` (subject ''), `secret` (the secret's name) or `agent` (the agent's name).
CREATE TABLE audit_daily (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    scope        TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    day          BIGINT NOT NULL,
    reads        BIGINT NOT NULL,
    denials      BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, scope, subject, day)
);
