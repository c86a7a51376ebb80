-- The records of the platform flows: placed orders, kept so a repeated order is answered
-- without calling the ERP again, and the associations of the platform's codes with the ERP's.

-- One row per order id of an integration. `answer` is '' while a request is placing the order
-- (the claim), then the JSON answer given; `claimed_at` lets an abandoned claim be taken over.
CREATE TABLE orders (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    order_id        TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    answer          TEXT NOT NULL,
    claimed_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (integration_id, order_id)
);

-- Platform code → ERP code, per integration and kind (products, resellers, due_dates,
-- origins). Automations read them, so they are part of the configuration snapshot.
CREATE TABLE associations (
    integration_id  TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    platform_code   TEXT NOT NULL,
    erp_code        TEXT NOT NULL,
    label           TEXT NOT NULL,
    PRIMARY KEY (integration_id, kind, platform_code)
);

CREATE TRIGGER associations_changed AFTER INSERT OR UPDATE OR DELETE ON associations
    FOR EACH STATEMENT EXECUTE FUNCTION ponte_config_changed();
