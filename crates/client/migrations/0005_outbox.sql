-- Documents prepared here and waiting to reach the server. A row is written,
-- with its idempotency key and the hash of its local copy, before any network
-- call; it carries the upload's address and offset so a cut or a crash resumes.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    key           TEXT NOT NULL UNIQUE,
    attach_to     TEXT NOT NULL,
    category      TEXT NOT NULL,
    note          TEXT,
    file_name     TEXT NOT NULL,
    local_path    TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'uploading', 'creating', 'done', 'failed', 'cancelled')),
    upload_url    TEXT,
    "offset"      INTEGER NOT NULL DEFAULT 0,
    error_code    TEXT,
    error_message TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    document_id   INTEGER
);
CREATE INDEX outbox_by_state ON outbox (state);
