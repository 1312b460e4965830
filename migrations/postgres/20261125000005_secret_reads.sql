-- Who uses what: the last runtime read of each secret by each agent, kept by the audit writer as
-- it commits (at most one upsert per pair a minute), so that the dashboard never scans the
-- audit log for it.
CREATE TABLE secret_reads (
    secret_id    BIGINT NOT NULL REFERENCES secrets (id) ON DELETE CASCADE,
    agent_id     BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    last_read_at BIGINT NOT NULL,
    PRIMARY KEY (secret_id, agent_id)
);
CREATE INDEX secret_reads_agent ON secret_reads (agent_id);
