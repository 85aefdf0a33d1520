-- A document may belong to a request: the history of a complaint the server
-- files when it goes to the mediator. Such a document is as personal as its
-- request; NULL for every other document of the dossier or procedure.

ALTER TABLE documents ADD COLUMN request_id INTEGER REFERENCES requests (id);
CREATE INDEX documents_request ON documents (request_id);
