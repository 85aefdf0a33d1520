-- What statements, RIBs and attestations are made from.

-- The servicing entity's letterhead and the account debtors pay into.
ALTER TABLE servicing_entities ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN legal TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN account_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN iban TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN bic TEXT NOT NULL DEFAULT '';
ALTER TABLE servicing_entities ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';

-- The dossier's contract terms, debts and fees, as the domain's JSON
-- (claimdesk_domain::statement::Ledger without its payments).
ALTER TABLE dossiers ADD COLUMN ledger TEXT NOT NULL
    DEFAULT '{"terms":{"interest":{"kind":"none"},"penalty_rate":null,"professional":false,"imputation":"interest_first"},"debts":[],"fees":[],"payments":[]}';

-- Payments received on a dossier, imputed by the statement.
CREATE TABLE received_payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    received_on DATE NOT NULL,
    label TEXT NOT NULL,
    amount TEXT NOT NULL
);
CREATE INDEX received_payments_dossier ON received_payments (dossier_id, received_on);

-- What a procedure's deadlines run from, besides the BODACC publication.
ALTER TABLE procedures ADD COLUMN claims_list_date DATE;
ALTER TABLE procedures ADD COLUMN plan_adopted_on DATE;

-- The part of the dossier's ledger a claim declares (NULL: the whole ledger).
ALTER TABLE claims ADD COLUMN ledger TEXT;
