-- level-mutex PostgreSQL schema: removes every object of schema-v1.sql, schema-v2.sql and schema-v3.sql, with their data.
--
-- Idempotent. Runs as is with the default table-name prefix "level_mutex_". Stop every node first.

DROP PROCEDURE IF EXISTS level_mutex_commit_joined(uuid, integer[], uuid[], integer[], integer[], integer[],
    integer[], bytea[], bytea[], integer[], bigint[], integer[], boolean[], bytea[], integer[], bytea[], bytea[],
    boolean[], integer);

DROP PROCEDURE IF EXISTS level_mutex_commit_released(integer, uuid, uuid, bytea[], bytea[], integer[], bigint[],
    integer[], boolean[], bytea[], integer[], bytea[], bytea[], boolean[]);

DROP FUNCTION IF EXISTS level_mutex_commit_put(integer, uuid, uuid, bytea, bytea);

DROP FUNCTION IF EXISTS level_mutex_commit(integer, uuid, uuid, bytea[], bytea[], integer[], bigint[], integer[],
    boolean[], bytea[], integer[], bytea[], bytea[], boolean[]);

DROP TABLE IF EXISTS level_mutex_batch;

DROP TABLE IF EXISTS level_mutex_tombstone;

DROP TABLE IF EXISTS level_mutex_entry;

DROP TABLE IF EXISTS level_mutex_keyspace;

DROP TABLE IF EXISTS level_mutex_schema_version;
