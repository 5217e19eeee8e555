package io.levelmutex.postgres;

/**
 * An opened keyspace: its name and the id of its row.
 *
 * @param name the keyspace name
 * @param id the row id in the keyspace table
 */
record PostgresKeyspace(String name, int id) {
}
