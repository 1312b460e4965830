-- Authenticator codes (TOTP, RFC 6238) as a second factor. The shared secret is sealed with
-- AES-256-GCM under the master key (its id in kek_id), bound to the user; confirmed_at is set
-- once the person typed a code from their app; last_step is the last time step accepted, so
-- that no code works twice.
CREATE TABLE user_totp (
    user_id       BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    kek_id        TEXT    NOT NULL,
    secret_sealed BYTEA   NOT NULL,
    confirmed_at  BIGINT,
    last_step     BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

-- Recovery codes: shown once, stored as SHA-256, each works once.
CREATE TABLE recovery_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,
    used_at    BIGINT,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
