-- Accounts and audit: users with roles and optional reserve limits, API
-- tokens and browser sessions (both kept only as SHA-256 hashes), and the
-- append-only audit log of every write.

-- +goose Up

-- A person or program. roles grant permissions (internal/auth); a user with
-- all_reserves false may act only in the reserves listed in app_user_reserve
-- (none listed: in no reserve). password_hash is an argon2id PHC string, NULL
-- for users who never log in with a browser. Users are disabled, not deleted,
-- so that the audit log keeps naming them.
CREATE TABLE app_user (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    display_name  text NOT NULL DEFAULT '',
    roles         text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['admin', 'gis', 'reviewer', 'ranger', 'officer', 'viewer']),
    all_reserves  boolean NOT NULL DEFAULT true,
    password_hash text CHECK (password_hash LIKE '$argon2id$%'),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- an admin manages users, so limiting one to reserves would mean nothing
    CHECK (all_reserves OR NOT 'admin' = ANY (roles))
);

CREATE TABLE app_user_reserve (
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    reserve_id bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, reserve_id)
);

-- An API token: hash is SHA-256 of the secret, which is shown once when the
-- token is made; prefix is its first characters, to tell tokens apart.
CREATE TABLE api_token (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name       text NOT NULL DEFAULT '',
    hash       bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    prefix     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_token_user ON api_token (user_id);

-- A browser session: hash is SHA-256 of the cookie's value; csrf is the
-- token that state-changing requests made with the cookie must echo.
CREATE TABLE user_session (
    hash       bytea PRIMARY KEY CHECK (length(hash) = 32),
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    address    text NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT ''
);
CREATE INDEX user_session_expires ON user_session (expires_at);
CREATE INDEX user_session_user ON user_session (user_id);

-- One write (or login): who (actor: user name, 'bootstrap-admin', the name
-- tried at a failed login; actor_id without a foreign key, so that nothing
-- cascades into the log), how they proved it (via), from where, what route
-- and resource, the answer's status, and the resource before and after.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,
    actor_id    bigint,
    via         text NOT NULL CHECK (via IN ('bootstrap', 'token', 'session', 'password', 'cli')),
    token_id    bigint,
    address     text NOT NULL DEFAULT '',
    action      text NOT NULL,
    route       text NOT NULL DEFAULT '',
    resource    text NOT NULL,
    resource_id text NOT NULL DEFAULT '',
    reserve     text NOT NULL DEFAULT '',
    status      integer NOT NULL,
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_resource ON audit_log (resource, resource_id);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_reserve ON audit_log (reserve, at) WHERE reserve <> '';

-- audit_log_append_only: migrations/functions/audit_log_append_only.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE user_session;
DROP TABLE api_token;
DROP TABLE app_user_reserve;
DROP TABLE app_user;
