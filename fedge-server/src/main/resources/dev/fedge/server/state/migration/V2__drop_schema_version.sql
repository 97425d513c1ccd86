-- The schema_version table of fedge's unversioned schema is replaced by Flyway's history
-- (flyway_schema_history); a new database never had it.
DROP TABLE IF EXISTS schema_version;
