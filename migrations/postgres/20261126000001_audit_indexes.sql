-- The audit page and its exports at tens of millions of events: newest first within a
-- workspace, with or without a filter on secret, agent or action (the query names only the
-- filters given, so each of these indexes serves its filter in id order), and retention's
-- scan for events past their time.
CREATE INDEX audit_events_workspace_id ON audit_events (workspace_id, id);
CREATE INDEX audit_events_workspace_secret ON audit_events (workspace_id, secret_name, id);
CREATE INDEX audit_events_workspace_agent ON audit_events (workspace_id, agent_name, id);
CREATE INDEX audit_events_workspace_action ON audit_events (workspace_id, action, id);
CREATE INDEX audit_events_time ON audit_events (created_at);
