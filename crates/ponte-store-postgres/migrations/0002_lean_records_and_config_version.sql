-- Lean execution records, a configuration version for the in-memory snapshot, and provisioned
-- secrets and keys told apart from the ones made through the admin API.

-- Every change to what a call reads (integrations, bindings, secrets, API keys, automation
-- versions) bumps this one number, in the same transaction, through the trigger below. Each
-- Ponte process keeps those records in memory and reloads them when the number moves, so a
-- change made by one node reaches the others.
CREATE TABLE config_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 1);

CREATE FUNCTION ponte_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER integrations_changed AFTER INSERT OR UPDATE OR DELETE ON integrations
    FOR EACH STATEMENT EXECUTE FUNCTION ponte_config_changed();
CREATE TRIGGER bindings_changed AFTER INSERT OR UPDATE OR DELETE ON bindings
    FOR EACH STATEMENT EXECUTE FUNCTION ponte_config_changed();
CREATE TRIGGER secrets_changed AFTER INSERT OR UPDATE OR DELETE ON secrets
    FOR EACH STATEMENT EXECUTE FUNCTION ponte_config_changed();
CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION ponte_config_changed();
CREATE TRIGGER automation_versions_changed AFTER INSERT OR DELETE ON automation_versions
    FOR EACH STATEMENT EXECUTE FUNCTION ponte_config_changed();

-- Secrets and keys written by provisioning from the configuration file: the file is
-- authoritative for these, so one removed from the file is deleted (secrets) or revoked (keys)
-- at the next start, while the ones made through the admin API are left alone.
ALTER TABLE secrets ADD COLUMN provisioned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE api_keys ADD COLUMN provisioned BOOLEAN NOT NULL DEFAULT FALSE;

-- Every call leaves a small summary row; the full trace is kept apart, and only for the runs
-- the recording policy keeps (failures, test runs, a sample of successes).
CREATE TABLE execution_traces (
    id      UUID PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
    trace   JSONB NOT NULL
);
INSERT INTO execution_traces (id, trace) SELECT id, trace FROM executions;
ALTER TABLE executions DROP COLUMN trace;
ALTER TABLE executions ADD COLUMN erp_requests INTEGER NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN erp_statuses TEXT NOT NULL DEFAULT '';
