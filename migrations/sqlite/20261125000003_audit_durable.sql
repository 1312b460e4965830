-- Repeated refusals of one token for one reason within a minute share one audit row with a
-- count; changes made by the operator outside any workspace (users, master key rotation)
-- get a trail of their own.

ALTER TABLE audit_events ADD COLUMN repeat_count BIGINT NOT NULL DEFAULT 1;

CREATE TABLE operator_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX operator_events_time ON operator_events (created_at);
