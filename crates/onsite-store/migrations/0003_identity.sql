-- Identity: sessions, invitations, password resets, rate limits, external (OpenID Connect)
-- identities. Every secret (session id, invitation code, reset token) is stored as the hex
-- SHA-256 of the value the person holds, never the value itself.

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL          -- absolute timeout
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE invitations (
    id {id},
    -- The contact may be deleted later; the invitation stays bound to the email.
    contact_id BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    -- Web roles the portal account gets on redemption, comma-separated.
    roles TEXT NOT NULL DEFAULT 'self-scheduling',
    code_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    redeemed_at BIGINT,
    revoked_at BIGINT,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_contact ON invitations (contact_id);

-- Every address ever invited automatically: outlives the contact, so deleting and re-creating
-- a contact does not invite the same person again.
CREATE TABLE invited_emails (
    email TEXT PRIMARY KEY,
    first_invited_at BIGINT NOT NULL
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Fixed-window counters, in the database so that limits hold across app servers.
CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE TABLE external_identities (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT,
    linked_at BIGINT NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX external_identities_user ON external_identities (user_id);

-- OpenID Connect authorization flows in progress (state, nonce, PKCE verifier), server-side so
-- the callback may reach any app server.
CREATE TABLE oidc_flows (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,   -- set when linking
    return_to TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
