-- Payments settled exactly once (SPEC §5.3): the request is stored before any ERP call, a
-- worker claims it under a lease, and every state change is kept with the ERP's answer.

CREATE TABLE payments (
    id               TEXT PRIMARY KEY NOT NULL,
    integration_id   TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    transaction_id   TEXT NOT NULL,
    request          TEXT NOT NULL,
    request_sha256   TEXT NOT NULL,
    state            TEXT NOT NULL
        CHECK (state IN ('pending', 'verifying', 'settling', 'settled', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- The invoice's value due when the write-off was first sent; set once, before the first
    -- `settle_boleto` call, and never cleared: a payment that has it may have been applied.
    settling_value   TEXT,
    error_code       TEXT,
    error_detail     TEXT,
    next_attempt_at  INTEGER NOT NULL,
    retry_since      INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (integration_id, transaction_id)
) STRICT;

CREATE INDEX payments_due ON payments (next_attempt_at) WHERE state IN ('pending', 'verifying', 'settling');
CREATE INDEX payments_by_state ON payments (state, created_at);

CREATE TABLE payment_events (
    payment_id  TEXT NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    state       TEXT NOT NULL,
    at          INTEGER NOT NULL,
    erp_answer  TEXT NOT NULL,
    PRIMARY KEY (payment_id, seq)
) STRICT;
