-- The local copy of what one user may see on one server.
-- Amounts are TEXT decimals with exactly two places, read back through Money;
-- dates are ISO TEXT; enums are their wire names.

CREATE TABLE procedures (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL,
    stage                TEXT NOT NULL,
    debtor_name          TEXT NOT NULL,
    debtor_siren         TEXT NOT NULL,
    debtor_rcs           TEXT NOT NULL,
    debtor_legal_form    TEXT NOT NULL,
    debtor_address       TEXT NOT NULL,
    tribunal             TEXT NOT NULL,
    judgment_date        TEXT NOT NULL,
    bodacc_date          TEXT,
    declaration_deadline TEXT,
    etude_name           TEXT NOT NULL,
    mandataire           TEXT NOT NULL,
    administrateur       TEXT,
    juge_commissaire     TEXT,
    plan_end_date        TEXT
);

CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    procedure_id      INTEGER NOT NULL,
    dossier_reference TEXT NOT NULL,
    creditor          TEXT NOT NULL,
    servicing_entity  TEXT NOT NULL,
    principal         TEXT NOT NULL,
    interest          TEXT NOT NULL,
    penalties         TEXT NOT NULL,
    fees              TEXT NOT NULL,
    to_fall_due       TEXT NOT NULL,
    total             TEXT NOT NULL,
    nature            TEXT NOT NULL,
    provisional       INTEGER NOT NULL,
    declaration_date  TEXT NOT NULL,
    late              INTEGER NOT NULL,
    admission         TEXT NOT NULL,
    admitted_amount   TEXT,
    decision_date     TEXT
);
CREATE INDEX claims_by_procedure ON claims (procedure_id);
CREATE INDEX claims_by_dossier ON claims (dossier_reference);

CREATE TABLE dossiers (
    id                INTEGER PRIMARY KEY,
    reference         TEXT NOT NULL,
    debtor_name       TEXT NOT NULL,
    debtor_siren      TEXT NOT NULL,
    debtor_rcs        TEXT NOT NULL,
    debtor_legal_form TEXT NOT NULL,
    debtor_address    TEXT NOT NULL,
    creditor          TEXT NOT NULL,
    servicing_entity  TEXT NOT NULL,
    manager_name      TEXT NOT NULL,
    manager_email     TEXT NOT NULL,
    manager_phone     TEXT NOT NULL,
    procedure_id      INTEGER,
    procedure_kind    TEXT,
    opened_on         TEXT NOT NULL,
    principal         TEXT NOT NULL,
    balance           TEXT NOT NULL
);
CREATE INDEX dossiers_by_reference ON dossiers (reference);
CREATE INDEX dossiers_by_procedure ON dossiers (procedure_id);

-- Part of a dossier record: replaced with it, removed with it.
CREATE TABLE guarantees (
    dossier_id     INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    guarantor_name TEXT NOT NULL,
    amount         TEXT NOT NULL,
    ends_on        TEXT,
    PRIMARY KEY (dossier_id, position)
);

CREATE TABLE installments (
    id                INTEGER PRIMARY KEY,
    dossier_reference TEXT NOT NULL,
    number            INTEGER NOT NULL,
    due_date          TEXT NOT NULL,
    amount            TEXT NOT NULL,
    paid              TEXT NOT NULL,
    status            TEXT NOT NULL
);
CREATE INDEX installments_by_dossier ON installments (dossier_reference, number);

-- Sync cursor, last sync instant, the user this store belongs to.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
