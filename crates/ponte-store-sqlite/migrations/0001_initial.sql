-- Ponte's schema on SQLite.
-- Timestamps are INTEGER microseconds since the Unix epoch (UTC), so they sort and compare as
-- numbers; JSON is stored as TEXT; UUIDs as their hyphenated lower-case text, which sorts like
-- their bytes.

CREATE TABLE integrations (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    preset      TEXT,
    active      INTEGER NOT NULL,
    settings    TEXT NOT NULL,
    variables   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE bindings (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    function        TEXT NOT NULL,
    automation      TEXT NOT NULL,
    PRIMARY KEY (integration_id, function)
) STRICT;

CREATE TABLE secrets (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    sealed          BLOB NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (integration_id, name)
) STRICT;

CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY NOT NULL,
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    prefix          TEXT NOT NULL,
    hash            BLOB NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    revoked         INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
CREATE INDEX api_keys_by_integration ON api_keys (integration_id, created_at);

CREATE TABLE automation_versions (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    function        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    source          TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (integration_id, function, version)
) STRICT;

CREATE TABLE executions (
    id              TEXT PRIMARY KEY NOT NULL,
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    function        TEXT NOT NULL,
    started_at      INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL,
    error_code      TEXT,
    trace           TEXT NOT NULL,
    test_run        INTEGER NOT NULL
) STRICT;

CREATE INDEX executions_newest ON executions (started_at DESC, id DESC);
CREATE INDEX executions_newest_by_integration
    ON executions (integration_id, started_at DESC, id DESC);
