-- "Admins must use a second factor": while on, an admin of the workspace without one is sent
-- to set one up before any of its pages or server functions answers.
ALTER TABLE workspaces ADD COLUMN admins_need_second_factor INTEGER NOT NULL DEFAULT 0
    CHECK (admins_need_second_factor IN (0, 1));
