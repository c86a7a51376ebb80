-- Ponte's schema on PostgreSQL.

CREATE TABLE integrations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    preset      TEXT,
    active      BOOLEAN NOT NULL,
    settings    JSONB NOT NULL,
    variables   JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE bindings (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    function        TEXT NOT NULL,
    automation      JSONB NOT NULL,
    PRIMARY KEY (integration_id, function)
);

CREATE TABLE secrets (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    sealed          BYTEA NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (integration_id, name)
);

CREATE TABLE api_keys (
    id              UUID PRIMARY KEY,
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    prefix          TEXT NOT NULL,
    hash            BYTEA NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    revoked         BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
CREATE INDEX api_keys_by_integration ON api_keys (integration_id, created_at);

CREATE TABLE automation_versions (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    function        TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version > 0),
    source          TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (integration_id, function, version)
);

CREATE TABLE executions (
    id              UUID PRIMARY KEY,
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    function        TEXT NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    duration_ms     BIGINT NOT NULL CHECK (duration_ms >= 0),
    error_code      TEXT,
    trace           JSONB NOT NULL,
    test_run        BOOLEAN NOT NULL
);

CREATE INDEX executions_newest ON executions (started_at DESC, id DESC);
CREATE INDEX executions_newest_by_integration
    ON executions (integration_id, started_at DESC, id DESC);
