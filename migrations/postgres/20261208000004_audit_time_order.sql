-- The audit log reads newest first by time, then by id for events of the same second, in the
-- page, the export and the overview alike. Each index a filter uses now ends in
-- (created_at, id), so that a page "older than this event" is one walk of an index however
-- deep it lies, and no query sorts.
DROP INDEX audit_events_workspace_id;
DROP INDEX audit_events_workspace_secret;
DROP INDEX audit_events_workspace_agent;
DROP INDEX audit_events_workspace_action;
DROP INDEX audit_events_workspace_time;
CREATE INDEX audit_events_workspace_time ON audit_events (workspace_id, created_at, id);
CREATE INDEX audit_events_workspace_secret ON audit_events (workspace_id, secret_name, created_at, id);
CREATE INDEX audit_events_workspace_agent ON audit_events (workspace_id, agent_name, created_at, id);
CREATE INDEX audit_events_workspace_action ON audit_events (workspace_id, action, created_at, id);
-- The overview's latest changes by people: a few rows among millions of reads, found at once.
CREATE INDEX audit_events_workspace_changes ON audit_events (workspace_id, created_at, id)
    WHERE outcome IS NULL;
