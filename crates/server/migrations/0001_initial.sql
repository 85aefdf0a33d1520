-- claimdesk central API: initial schema.
-- Kept to SQL that PostgreSQL also reads (its twin only swaps the key types),
-- except AUTOINCREMENT, which SQLite needs so that no id or sequence number is
-- ever reused after a delete: the sync feed relies on it.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE servicing_entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE creditors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE etudes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    siren TEXT NOT NULL UNIQUE,
    rcs TEXT NOT NULL,
    legal_form TEXT NOT NULL,
    address TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('etude', 'debtor', 'guarantor', 'admin')),
    display_name TEXT NOT NULL,
    etude_id INTEGER REFERENCES etudes (id),
    company_id INTEGER REFERENCES companies (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    idle_expires_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE procedures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    etude_id INTEGER NOT NULL REFERENCES etudes (id),
    kind TEXT NOT NULL,
    stage TEXT NOT NULL,
    tribunal TEXT NOT NULL,
    judgment_date DATE NOT NULL,
    bodacc_date DATE,
    mandataire TEXT NOT NULL,
    administrateur TEXT,
    juge_commissaire TEXT,
    plan_end_date DATE
);
CREATE INDEX procedures_company ON procedures (company_id);

CREATE TABLE dossiers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    creditor_id INTEGER NOT NULL REFERENCES creditors (id),
    servicing_entity_id INTEGER NOT NULL REFERENCES servicing_entities (id),
    manager_name TEXT NOT NULL,
    manager_email TEXT NOT NULL,
    manager_phone TEXT NOT NULL,
    procedure_id INTEGER REFERENCES procedures (id),
    opened_on DATE NOT NULL,
    principal TEXT NOT NULL,
    balance TEXT NOT NULL
);
CREATE INDEX dossiers_company ON dossiers (company_id);
CREATE INDEX dossiers_procedure ON dossiers (procedure_id);

-- Amounts are decimal strings with two decimals, parsed back exactly.
CREATE TABLE claims (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    procedure_id INTEGER NOT NULL REFERENCES procedures (id),
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    creditor_id INTEGER NOT NULL REFERENCES creditors (id),
    servicing_entity_id INTEGER NOT NULL REFERENCES servicing_entities (id),
    principal TEXT NOT NULL,
    interest TEXT NOT NULL,
    penalties TEXT NOT NULL,
    fees TEXT NOT NULL,
    to_fall_due TEXT NOT NULL,
    nature TEXT NOT NULL,
    provisional BOOLEAN NOT NULL,
    declaration_date DATE NOT NULL,
    admission TEXT NOT NULL,
    admitted_amount TEXT,
    decision_date DATE
);
CREATE INDEX claims_procedure ON claims (procedure_id);
CREATE INDEX claims_dossier ON claims (dossier_id);

CREATE TABLE installments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    number INTEGER NOT NULL,
    due_date DATE NOT NULL,
    amount TEXT NOT NULL,
    paid TEXT NOT NULL,
    UNIQUE (dossier_id, number)
);

CREATE TABLE guarantees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    guarantor_name TEXT NOT NULL,
    amount TEXT NOT NULL,
    ends_on DATE
);
CREATE INDEX guarantees_dossier ON guarantees (dossier_id);

CREATE TABLE activation_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash TEXT NOT NULL UNIQUE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    role TEXT NOT NULL CHECK (role IN ('debtor', 'guarantor')),
    display_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

-- The only way anyone sees anything: a subject (an étude or a user) and an
-- object (a procedure or a dossier).
CREATE TABLE grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_etude_id INTEGER REFERENCES etudes (id),
    subject_user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    procedure_id INTEGER REFERENCES procedures (id) ON DELETE CASCADE,
    dossier_id INTEGER REFERENCES dossiers (id) ON DELETE CASCADE,
    CHECK ((subject_etude_id IS NULL) <> (subject_user_id IS NULL)),
    CHECK ((procedure_id IS NULL) <> (dossier_id IS NULL))
);
CREATE INDEX grants_etude ON grants (subject_etude_id);
CREATE INDEX grants_user ON grants (subject_user_id);
CREATE INDEX grants_procedure ON grants (procedure_id);
CREATE INDEX grants_dossier ON grants (dossier_id);

-- The sync feed's log, compacted: one row per (kind, entity, audience), moved
-- to a new sequence number each time the entity changes.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete', 'revoke')),
    scope_procedure_id INTEGER,
    scope_dossier_id INTEGER,
    audience_etude_id INTEGER,
    audience_user_id INTEGER
);
CREATE INDEX changes_entity ON changes (kind, entity_id);
