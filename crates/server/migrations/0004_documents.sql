-- Resumable uploads (tus 1.0) and the documents created from them or posted
-- by the agency. File contents live on disk, content-addressed by SHA-256.

CREATE TABLE uploads (
    -- Random, URL-safe, 128 bits: the id is also the part file's name.
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    length INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    -- Hex SHA-256 the whole file must have.
    sha256 TEXT NOT NULL,
    file_name TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    content_type TEXT,
    -- Terminated, expired or refused: answers 410 from then on.
    gone_at TIMESTAMP,
    document_id INTEGER REFERENCES documents (id)
);
CREATE INDEX uploads_user ON uploads (user_id);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER REFERENCES dossiers (id),
    procedure_id INTEGER REFERENCES procedures (id),
    category TEXT NOT NULL,
    note TEXT,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('customer', 'agency')),
    uploaded_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((dossier_id IS NULL) <> (procedure_id IS NULL))
);
CREATE INDEX documents_dossier ON documents (dossier_id);
CREATE INDEX documents_procedure ON documents (procedure_id);
CREATE INDEX documents_uploaded_by ON documents (uploaded_by);

-- One row per Idempotency-Key a user sent to POST /v1/documents.
CREATE TABLE document_requests (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    PRIMARY KEY (user_id, key)
);
