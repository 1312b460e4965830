-- Single sign-on with OpenID Connect.
--
-- An identity is the pair (issuer, subject) a provider vouches for, linked to one account.
-- Accounts created by single sign-on have no password: their password_hash is '' (empty),
-- which no password verifies against.
CREATE TABLE identities (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider_id  TEXT    NOT NULL,
    issuer       TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    email        TEXT    NOT NULL,
    last_used_at BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX identities_user ON identities (user_id);

-- A sign-in (or link, or re-authentication) under way at a provider: created when the
-- browser leaves, answered once by the provider's callback, then completed once by the same
-- browser. Keyed by the SHA-256 of the state; bound to the browser by the SHA-256 of a
-- cookie of its own. The PKCE verifier and the nonce live only until the callback.
CREATE TABLE sso_flows (
    state_hash    TEXT    PRIMARY KEY,
    browser_hash  TEXT    NOT NULL UNIQUE,
    provider_id   TEXT    NOT NULL,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('sign_in', 'link', 'reauth')),
    user_id       BIGINT  REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri  TEXT    NOT NULL,
    return_to     TEXT    NOT NULL,
    nonce         TEXT    NOT NULL,
    pkce_verifier TEXT    NOT NULL,
    outcome       TEXT,
    expires_at    BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX sso_flows_expiry ON sso_flows (expires_at);

-- Email domains whose verified single sign-on identities join a workspace as members on
-- their first sign-in; with require_sso, its members may not sign in with a password.
CREATE TABLE workspace_sso_domains (
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    domain       TEXT    NOT NULL,
    provider_id  TEXT,
    require_sso  BIGINT  NOT NULL DEFAULT 0 CHECK (require_sso IN (0, 1)),
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (workspace_id, domain)
);
CREATE INDEX workspace_sso_domains_domain ON workspace_sso_domains (domain);
