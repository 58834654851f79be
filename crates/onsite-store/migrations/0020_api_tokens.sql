-- API tokens (issue 16): programs call the JSON API with `Authorization: Bearer <secret>`.
-- Like every secret, only the SHA-256 (hex) of the secret is stored; it is shown once, when
-- made. A token acts for the administrator who created it, limited to its scopes
-- (`onsite_domain::api_token::Scopes` as text, e.g. `bookings:write catalogue:read`).
-- Revoking sets `revoked_at`; rows are kept, so the audit log's names stay readable.
CREATE TABLE api_tokens (
    id {id},
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_created ON api_tokens (created_at, id);

-- The token an audited change was made with (its name at the time), if any.
ALTER TABLE audit_events ADD COLUMN api_token_name TEXT;
