-- Compaction looks changes up by entity; the sync feed reads them by seq
-- range. With `kind` leading, the planner preferred this index for
-- "kind = ? AND seq BETWEEN …" and scanned every row of a kind; with the
-- entity id leading it can only serve the lookup it exists for.
DROP INDEX changes_entity;
CREATE INDEX changes_entity ON changes (entity_id, kind);
