-- Requests and complaints about a dossier, and their threads of messages.
-- Dates are the server's: a complaint's mediation clock runs from them.

CREATE TABLE requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- A mandataire's request: the procedure through which the étude sees the
    -- dossier (its claim there); with the dossier, the request's sync scope.
    procedure_id INTEGER REFERENCES procedures (id),
    type TEXT NOT NULL,
    -- JSON object of the form's fields, as checked.
    fields TEXT NOT NULL DEFAULT '{}',
    -- JSON array of document ids attached.
    attachments TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN
        ('sent', 'acknowledged', 'in_progress', 'answered', 'closed', 'referred_to_mediator')),
    created_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    answered_at TIMESTAMP,
    closed_at TIMESTAMP,
    referred_at TIMESTAMP,
    -- The referral's history: the thread as it stood, JSON.
    referral_history TEXT
);
CREATE INDEX requests_dossier ON requests (dossier_id);
CREATE INDEX requests_user ON requests (user_id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    author TEXT NOT NULL CHECK (author IN ('customer', 'agency', 'system')),
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    text TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_request ON messages (request_id, id);
