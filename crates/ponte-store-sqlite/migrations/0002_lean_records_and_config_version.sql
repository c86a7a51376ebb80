-- Lean execution records, a configuration version for the in-memory snapshot, and provisioned
-- secrets and keys told apart from the ones made through the admin API.

-- Every change to what a call reads (integrations, bindings, secrets, API keys, automation
-- versions) bumps this one number, in the same transaction, through the triggers below. Each
-- Ponte process keeps those records in memory and reloads them when the number moves, so a
-- change made by one process reaches the others sharing the database.
CREATE TABLE config_version (
    id       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version  INTEGER NOT NULL
) STRICT;
INSERT INTO config_version (id, version) VALUES (1, 1);

CREATE TRIGGER integrations_inserted AFTER INSERT ON integrations
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER integrations_updated AFTER UPDATE ON integrations
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER integrations_deleted AFTER DELETE ON integrations
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER bindings_inserted AFTER INSERT ON bindings
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER bindings_updated AFTER UPDATE ON bindings
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER bindings_deleted AFTER DELETE ON bindings
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER secrets_inserted AFTER INSERT ON secrets
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER secrets_updated AFTER UPDATE ON secrets
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER secrets_deleted AFTER DELETE ON secrets
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER api_keys_inserted AFTER INSERT ON api_keys
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER api_keys_updated AFTER UPDATE ON api_keys
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER automation_versions_inserted AFTER INSERT ON automation_versions
BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER automation_versions_deleted AFTER DELETE ON automation_versions
BEGIN UPDATE config_version SET version = version + 1; END;

-- Secrets and keys written by provisioning from the configuration file: the file is
-- authoritative for these, so one removed from the file is deleted (secrets) or revoked (keys)
-- at the next start, while the ones made through the admin API are left alone.
ALTER TABLE secrets ADD COLUMN provisioned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN provisioned INTEGER NOT NULL DEFAULT 0;

-- Every call leaves a small summary row; the full trace is kept apart, and only for the runs
-- the recording policy keeps (failures, test runs, a sample of successes). The summary table
-- is clustered on its id (a UUID v7, so rows arrive in order) to need no separate key index.
CREATE TABLE execution_summaries (
    id              TEXT PRIMARY KEY NOT NULL,
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    function        TEXT NOT NULL,
    started_at      INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL,
    error_code      TEXT,
    erp_requests    INTEGER NOT NULL,
    erp_statuses    TEXT NOT NULL,
    test_run        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE execution_traces (
    id      TEXT PRIMARY KEY NOT NULL REFERENCES execution_summaries (id) ON DELETE CASCADE,
    trace   TEXT NOT NULL
) STRICT;

INSERT INTO execution_summaries
    (id, integration_id, function, started_at, duration_ms, error_code, erp_requests,
     erp_statuses, test_run)
SELECT id, integration_id, function, started_at, duration_ms, error_code, 0, '', test_run
FROM executions;
INSERT INTO execution_traces (id, trace) SELECT id, trace FROM executions;
DROP TABLE executions;
ALTER TABLE execution_summaries RENAME TO executions;

CREATE INDEX executions_newest ON executions (started_at DESC, id DESC);
CREATE INDEX executions_newest_by_integration
    ON executions (integration_id, started_at DESC, id DESC);
