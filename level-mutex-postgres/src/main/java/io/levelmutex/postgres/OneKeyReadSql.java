package io.levelmutex.postgres;

/**
 * The planned read of a plan that is ONE key and no scan (an update() reading one key, a read phase of one get):
 * the keyspace's sequence and the key's entry in one statement, the key a plain parameter. Unlike the general
 * plan statement ({@link PostgresSql#readPlan}), whose keys are unnested from an array, its generic plan is the
 * same as a custom one whatever the table's statistics (a primary-key probe: both key columns compared to
 * parameters), so PostgreSQL plans it once per connection and then only executes it. The array form's generic
 * plan assumes ten keys: while the table has no statistics PostgreSQL keeps that plan, which hash-joins every
 * entry of the keyspace (0.2-0.3 ms for 1,000 keys, growing with the keyspace); with statistics it may plan a custom
 * plan on every execution instead (about 125 us of planning for a 30 us execution). Run in autocommit, like
 * every planned read. Parameters: keyspace id (the sequence row), keyspace id, key. Rows as the general
 * statement's: part 0 the sequence (fifth column), part 1 the key's value at index 1 (none when the key has no
 * entry or a tombstone). Immutable; the table prefix resolved once.
 */
final class OneKeyReadSql {

	final String statement;

	OneKeyReadSql(PostgresSql sql) {
		this.statement = """
				SELECT 0 AS part, 0 AS n, NULL::bytea AS key, NULL::bytea AS value, seq FROM %s WHERE id = ?
				UNION ALL
				SELECT 1, 1, NULL::bytea, e.value, NULL::bigint FROM %s e
				WHERE e.keyspace_id = ? AND e.key = ? AND e.value IS NOT NULL""".formatted(sql.keyspaceTable,
				sql.entryTable);
	}

}
