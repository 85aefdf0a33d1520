-- The search indexes are now written by the store itself, one statement per
-- kind and per sync page (see Store::apply_page), instead of by these per-row
-- triggers: indexing row by row cost about four times the write of the rows
-- themselves and held a first sync of 50,000 claims well under its target.
-- The indexes, their content and the queries on them do not change.

DROP TRIGGER procedures_search_insert;
DROP TRIGGER procedures_search_update;
DROP TRIGGER procedures_search_delete;
DROP TRIGGER dossiers_search_insert;
DROP TRIGGER dossiers_search_update;
DROP TRIGGER dossiers_search_delete;
DROP TRIGGER claims_search_insert;
DROP TRIGGER claims_search_update;
DROP TRIGGER claims_search_delete;
