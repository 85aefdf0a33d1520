-- Payments, direct-debit mandates, dividends, and the idempotency keys of the
-- requests that create them.

-- The SEPA creditor identifier (ICS) a servicing entity collects debits under,
-- and the address cheques are sent to (its letterhead address when empty).
ALTER TABLE servicing_entities ADD COLUMN creditor_identifier TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN cheque_address TEXT NOT NULL DEFAULT '';

-- One row per Idempotency-Key a user sent to a route that creates. Written
-- in progress (status NULL) before any call to a payment provider, and
-- completed with the first response in the transaction of the effect.
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    -- The route the key was sent to: the same key on two routes is two keys.
    scope TEXT NOT NULL,
    -- Hex SHA-256 of the request's canonical body (without any password).
    request_hash TEXT NOT NULL,
    -- While in progress: until when the request holds the key; after a
    -- crash, the key can be taken again from then on.
    locked_until TIMESTAMP,
    -- The first response, once the request completed.
    response_status INTEGER,
    response_body TEXT,
    created_at TIMESTAMP NOT NULL,
    -- At least 90 days after creation.
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, scope, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

CREATE TABLE mandates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- Unique mandate reference (UMR), at most 35 characters.
    reference TEXT NOT NULL UNIQUE,
    creditor_identifier TEXT NOT NULL,
    holder TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 28),
    amount TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    signed_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX mandates_dossier ON mandates (dossier_id, status);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    -- Who ordered it; NULL when the agency recorded it.
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    method TEXT NOT NULL CHECK (method IN ('card', 'transfer', 'direct_debit', 'cheque')),
    amount TEXT NOT NULL,
    -- JSON array of instalment numbers to pay first.
    installments TEXT NOT NULL DEFAULT '[]',
    -- RF creditor reference, electronic form.
    reference TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    failure_reason TEXT,
    -- Card: the provider, its checkout session and hosted page.
    provider TEXT,
    provider_session_id TEXT UNIQUE,
    checkout_url TEXT,
    -- Direct debit: the mandate it is collected under, and when.
    mandate_id INTEGER REFERENCES mandates (id),
    collection_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    paid_on DATE,
    -- The row the statement imputes, once received.
    received_payment_id INTEGER REFERENCES received_payments (id)
);
CREATE INDEX payments_dossier ON payments (dossier_id);
CREATE INDEX payments_reference ON payments (reference, status);

-- Provider notifications already handled: a replay changes nothing.
CREATE TABLE webhook_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, event_id)
);

CREATE TABLE dividends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    -- The mandataire's account that recorded it.
    user_id INTEGER NOT NULL REFERENCES users (id),
    amount TEXT NOT NULL,
    paid_on DATE NOT NULL,
    reference TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    received_payment_id INTEGER NOT NULL REFERENCES received_payments (id)
);
CREATE INDEX dividends_claim ON dividends (claim_id);
