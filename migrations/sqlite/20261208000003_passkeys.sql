-- Passkeys (WebAuthn): each user's random handle (the authenticator's user.id, 16 bytes, as a
-- UUID), and each registered credential: its id (base64url, unique across accounts), the
-- name its owner gave it, and the credential as webauthn-rs keeps it (public key, sign
-- counter; nothing secret), with when it was added and last used.
ALTER TABLE users ADD COLUMN passkey_handle TEXT;
CREATE UNIQUE INDEX users_passkey_handle ON users (passkey_handle);

CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT   NOT NULL UNIQUE,
    name          TEXT   NOT NULL,
    credential    TEXT   NOT NULL,
    last_used_at  BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX passkeys_user ON passkeys (user_id);
