-- level-mutex PostgreSQL schema, version 1.
--
-- Idempotent: every statement may run again on a database that already has the schema. Runs as is
-- (psql, Flyway, Liquibase "sql" changesets) with the default table-name prefix "level_mutex_"; the library
-- replaces that prefix (and nothing else: it appears only at the start of identifiers) with a configured one.
-- Byte order of keys: bytea compares as unsigned bytes (memcmp), the order of RocksDB's bytewise comparator.

CREATE TABLE IF NOT EXISTS level_mutex_schema_version (
    version integer PRIMARY KEY
);

-- One row per keyspace. "seq" is the sequence of the last batch committed to the keyspace: every commit takes
-- this row's lock (UPDATE ... RETURNING), so commits of one keyspace serialise here and the sequence is
-- gapless and in commit order across every node. "horizon": tombstones with seq <= horizon may have been
-- cleaned up, so a unit whose snapshot sequence is below it cannot be validated and is rejected.
CREATE TABLE IF NOT EXISTS level_mutex_keyspace (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    seq bigint NOT NULL DEFAULT 0,
    horizon bigint NOT NULL DEFAULT 0
);

-- Entries. value NULL is a tombstone: the key was deleted by the batch with sequence "seq" (kept so that
-- validation of a span sees deletes, until the clean-up removes it). "seq" is the keyspace sequence of the
-- batch that last wrote the row.
CREATE TABLE IF NOT EXISTS level_mutex_entry (
    keyspace_id integer NOT NULL REFERENCES level_mutex_keyspace (id),
    key bytea NOT NULL,
    value bytea,
    seq bigint NOT NULL,
    PRIMARY KEY (keyspace_id, key)
);

CREATE INDEX IF NOT EXISTS level_mutex_entry_seq ON level_mutex_entry (keyspace_id, seq);

-- Committed batches, written in the batch's own transaction: after a connection is lost during COMMIT the
-- committing node looks its batch id up here to learn whether the batch committed ("outcome unknown"
-- resolution), how many of its writes were applied and which update (if any) was rejected and truncated it.
-- node_id tells the remote-change listener which sequences a node committed itself.
CREATE TABLE IF NOT EXISTS level_mutex_batch (
    batch_id uuid PRIMARY KEY,
    keyspace_id integer NOT NULL REFERENCES level_mutex_keyspace (id),
    seq bigint NOT NULL,
    node_id uuid NOT NULL,
    applied_ops integer NOT NULL,
    rejected_unit integer NOT NULL,
    rejected_reason text,
    rejected_key bytea
);

CREATE UNIQUE INDEX IF NOT EXISTS level_mutex_batch_seq ON level_mutex_batch (keyspace_id, seq);

INSERT INTO level_mutex_schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
