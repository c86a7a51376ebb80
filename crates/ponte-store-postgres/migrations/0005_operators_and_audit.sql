-- Named operators with a role, their sessions, and the audit log of every change made through
-- the admin API or the console.

-- A password is kept only as its Argon2id PHC string.
CREATE TABLE operators (
    name           TEXT PRIMARY KEY NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE
);

-- A session keeps the SHA-256 of its token (hex), never the token; removing an operator ends
-- its sessions.
CREATE TABLE operator_sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    operator    TEXT NOT NULL REFERENCES operators (name) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX operator_sessions_by_expiry ON operator_sessions (expires_at);

-- Who changed what, when, with the record before and after (secret values never included).
-- Not configuration: no config_version trigger.
CREATE TABLE audit_log (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    before  JSONB NOT NULL,
    after   JSONB NOT NULL
);

CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_at ON audit_log (at, id);
