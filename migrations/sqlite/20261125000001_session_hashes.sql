-- Sessions are stored under the SHA-256 (hex) of their id, so that reading the database
-- does not hand out sessions; the cookie alone holds the id. `user_id` (copied from the
-- session's `uid`) makes "end every session of this user" one DELETE.
-- Sessions are ephemeral: existing ones are dropped, which signs everybody out once.
DROP TABLE sessions;

CREATE TABLE sessions (
    id          TEXT   PRIMARY KEY,
    user_id     BIGINT NULL,
    data        TEXT   NOT NULL,
    expiry_date BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);
CREATE INDEX sessions_user ON sessions (user_id);
