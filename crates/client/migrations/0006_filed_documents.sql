-- Documents filed on a dossier or a procedure (letters, statements,
-- judgments, receipts, uploads), as the sync feed carries them. The record is
-- kept whole as JSON; the columns are what lists filter and sort on.
CREATE TABLE filed_documents (
    id                INTEGER PRIMARY KEY,
    dossier_reference TEXT,
    procedure_id      INTEGER,
    sha256            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    record            TEXT NOT NULL
);
CREATE INDEX filed_documents_by_dossier ON filed_documents (dossier_reference);
CREATE INDEX filed_documents_by_procedure ON filed_documents (procedure_id);

-- The content held on disk for a document, under its SHA-256: the one the
-- metadata names once fetched, an earlier one while a newer is not.
CREATE TABLE cached_contents (
    document_id INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL
);
CREATE TRIGGER cached_contents_purge AFTER DELETE ON filed_documents BEGIN
    DELETE FROM cached_contents WHERE document_id = old.id;
END;

-- Documents are a new kind in the feed: sync everything again to get them.
DELETE FROM meta WHERE key = 'cursor';
