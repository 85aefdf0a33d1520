-- Requests and complaints of the dossiers this user sees, and their threads,
-- as the sync feed carries them. Records are kept whole as JSON; the columns
-- are what lists, counts and purges read.
CREATE TABLE requests (
    id                INTEGER PRIMARY KEY,
    dossier_reference TEXT NOT NULL,
    type              TEXT NOT NULL,
    status            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    record            TEXT NOT NULL
);
CREATE INDEX requests_by_dossier ON requests (dossier_reference);

-- `read_at` is this machine's own: set when the thread is opened here, never
-- sent, and kept when the feed brings the message again.
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL,
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    record     TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX messages_by_request ON messages (request_id);

-- What was already raised as a notification, by a key naming the event (an
-- answer, a document, an instalment's due date...), so each is raised once.
CREATE TABLE notified (
    key         TEXT PRIMARY KEY,
    notified_at TEXT NOT NULL
);

-- The outbox carries requests and messages too, and an order may wait for
-- documents of the outbox to be delivered first (`waits_for`: their item
-- ids, as JSON). SQLite cannot widen a CHECK, so the table is made again.
CREATE TABLE outbox_new (
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
    document_id   INTEGER,
    kind          TEXT NOT NULL DEFAULT 'document'
                  CHECK (kind IN ('document', 'payment_order', 'mandate', 'dividend',
                                  'request', 'message')),
    request       TEXT,
    result        TEXT,
    result_id     INTEGER,
    waits_for     TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO outbox_new (id, key, attach_to, category, note, file_name, local_path, size, sha256,
                        state, upload_url, "offset", error_code, error_message, attempts,
                        created_at, document_id, kind, request, result, result_id)
    SELECT id, key, attach_to, category, note, file_name, local_path, size, sha256,
           state, upload_url, "offset", error_code, error_message, attempts,
           created_at, document_id, kind, request, result, result_id
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox (state);

-- Requests and messages are new kinds in the feed: sync everything again.
DELETE FROM meta WHERE key = 'cursor';
