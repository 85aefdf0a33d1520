-- What statements, RIBs and attestations are made from, and the documents
-- downloaded for offline use.

ALTER TABLE procedures ADD COLUMN deadlines TEXT NOT NULL DEFAULT '{}';
ALTER TABLE dossiers ADD COLUMN judgment_date TEXT;
ALTER TABLE dossiers ADD COLUMN servicer TEXT NOT NULL DEFAULT '{}';
ALTER TABLE dossiers ADD COLUMN rib TEXT NOT NULL DEFAULT '{}';
ALTER TABLE dossiers ADD COLUMN ledger TEXT NOT NULL DEFAULT '{}';

-- Rows synced before these columns existed lack them: sync everything again.
DELETE FROM procedures;
DELETE FROM claims;
DELETE FROM dossiers;
DELETE FROM guarantees;
DELETE FROM installments;
DELETE FROM procedures_search;
DELETE FROM dossiers_search;
DELETE FROM claims_search;
DELETE FROM meta WHERE key = 'cursor';

-- A document as the server produced it, kept for offline reading.
CREATE TABLE documents (
    key          TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    as_of        TEXT,
    produced_at  TEXT NOT NULL,
    content_type TEXT NOT NULL,
    filename     TEXT NOT NULL,
    body         BLOB NOT NULL
);
CREATE INDEX documents_by_subject ON documents (subject);

-- Documents go with what they document: a purged dossier or claim takes its
-- cached files along.
CREATE TRIGGER documents_purge_dossier AFTER DELETE ON dossiers BEGIN
    DELETE FROM documents WHERE subject = 'dossier:' || old.reference;
END;
CREATE TRIGGER documents_purge_claim AFTER DELETE ON claims BEGIN
    DELETE FROM documents WHERE subject = 'claim:' || old.id;
END;
