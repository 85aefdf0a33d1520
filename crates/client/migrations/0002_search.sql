-- Full-text indexes for the search box: whole words and word prefixes, case and
-- accents folded ("societe" finds "Société"), answered from the index alone so a
-- store of tens of thousands of claims stays instant.
--
-- Each index row has the rowid of its record. The store writes with INSERT OR
-- REPLACE, whose implicit delete fires no DELETE trigger (recursive_triggers is
-- off), so the INSERT triggers first drop the row they replace.

CREATE VIRTUAL TABLE procedures_search USING fts5 (
    debtor_name, debtor_siren, tribunal,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE dossiers_search USING fts5 (
    reference, debtor_name, debtor_siren,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE claims_search USING fts5 (
    dossier_reference, creditor,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER procedures_search_insert AFTER INSERT ON procedures BEGIN
    DELETE FROM procedures_search WHERE rowid = new.id;
    INSERT INTO procedures_search (rowid, debtor_name, debtor_siren, tribunal)
    VALUES (new.id, new.debtor_name, new.debtor_siren, new.tribunal);
END;
CREATE TRIGGER procedures_search_update AFTER UPDATE ON procedures BEGIN
    DELETE FROM procedures_search WHERE rowid = old.id;
    INSERT INTO procedures_search (rowid, debtor_name, debtor_siren, tribunal)
    VALUES (new.id, new.debtor_name, new.debtor_siren, new.tribunal);
END;
CREATE TRIGGER procedures_search_delete AFTER DELETE ON procedures BEGIN
    DELETE FROM procedures_search WHERE rowid = old.id;
END;

CREATE TRIGGER dossiers_search_insert AFTER INSERT ON dossiers BEGIN
    DELETE FROM dossiers_search WHERE rowid = new.id;
    INSERT INTO dossiers_search (rowid, reference, debtor_name, debtor_siren)
    VALUES (new.id, new.reference, new.debtor_name, new.debtor_siren);
END;
CREATE TRIGGER dossiers_search_update AFTER UPDATE ON dossiers BEGIN
    DELETE FROM dossiers_search WHERE rowid = old.id;
    INSERT INTO dossiers_search (rowid, reference, debtor_name, debtor_siren)
    VALUES (new.id, new.reference, new.debtor_name, new.debtor_siren);
END;
CREATE TRIGGER dossiers_search_delete AFTER DELETE ON dossiers BEGIN
    DELETE FROM dossiers_search WHERE rowid = old.id;
END;

CREATE TRIGGER claims_search_insert AFTER INSERT ON claims BEGIN
    DELETE FROM claims_search WHERE rowid = new.id;
    INSERT INTO claims_search (rowid, dossier_reference, creditor)
    VALUES (new.id, new.dossier_reference, new.creditor);
END;
CREATE TRIGGER claims_search_update AFTER UPDATE ON claims BEGIN
    DELETE FROM claims_search WHERE rowid = old.id;
    INSERT INTO claims_search (rowid, dossier_reference, creditor)
    VALUES (new.id, new.dossier_reference, new.creditor);
END;
CREATE TRIGGER claims_search_delete AFTER DELETE ON claims BEGIN
    DELETE FROM claims_search WHERE rowid = old.id;
END;

-- Stores synced before this migration.
INSERT INTO procedures_search (rowid, debtor_name, debtor_siren, tribunal)
SELECT id, debtor_name, debtor_siren, tribunal FROM procedures;
INSERT INTO dossiers_search (rowid, reference, debtor_name, debtor_siren)
SELECT id, reference, debtor_name, debtor_siren FROM dossiers;
INSERT INTO claims_search (rowid, dossier_reference, creditor)
SELECT id, dossier_reference, creditor FROM claims;
