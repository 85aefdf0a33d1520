-- Payments of the dossiers this user sees, as the sync feed carries them. The
-- record is kept whole as JSON; the columns are what lists and sums read.
CREATE TABLE payments (
    id                INTEGER PRIMARY KEY,
    dossier_reference TEXT NOT NULL,
    method            TEXT NOT NULL,
    amount            TEXT NOT NULL,
    status            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    record            TEXT NOT NULL
);
CREATE INDEX payments_by_dossier ON payments (dossier_reference);

-- The outbox also carries orders (payment orders, mandates, dividends): no
-- file, a JSON request sent once under the row's key, and what the server
-- made of it. Documents keep kind 'document' and their columns as they were.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'document'
    CHECK (kind IN ('document', 'payment_order', 'mandate', 'dividend'));
ALTER TABLE outbox ADD COLUMN request TEXT;
ALTER TABLE outbox ADD COLUMN result TEXT;
ALTER TABLE outbox ADD COLUMN result_id INTEGER;

-- Payments are a new kind in the feed: sync everything again to get them.
DELETE FROM meta WHERE key = 'cursor';
