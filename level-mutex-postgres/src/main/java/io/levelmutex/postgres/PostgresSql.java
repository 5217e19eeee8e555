package io.levelmutex.postgres;

/**
 * Every SQL statement of the engine (write path, planned reads, snapshots, the remote-change listener, schema and
 * durability checks, keyspace directory and clean-up), with the
 * table prefix resolved once (the schema files beside this class, {@code META-INF/level-mutex/postgres/}, use
 * the default prefix {@value PostgresSettings#DEFAULT_PREFIX}; the prefix is validated as a plain identifier,
 * so it is safe to put into the text). Immutable.
 */
final class PostgresSql {

	/** The commit function's name without the prefix (schema version 2). */
	static final String COMMIT_FUNCTION = "commit";

	/** The procedure committing a batch with the keyspace's lock released before the WAL flush, without the prefix. */
	static final String COMMIT_RELEASED_PROCEDURE = "commit_released";

	/** The procedure committing several keyspaces' batches in one transaction (schema version 3), without the prefix. */
	static final String COMMIT_JOINED_PROCEDURE = "commit_joined";

	/** The function committing a blind put of one key (schema version 3, a later build), without the prefix. */
	static final String COMMIT_PUT_FUNCTION = "commit_put";

	/** The argument types of the put function. */
	static final String COMMIT_PUT_ARGUMENTS = "integer, uuid, uuid, bytea, bytea";

	/** The input argument types of the joined-commit procedure. */
	static final String COMMIT_JOINED_ARGUMENTS = "uuid, integer[], uuid[], integer[], integer[], integer[], integer[], "
			+ "bytea[], bytea[], integer[], bigint[], integer[], boolean[], bytea[], integer[], bytea[], bytea[], boolean[], "
			+ "integer";

	/**
	 * The argument types of the commit function and of the released-commit procedure (its input arguments), to name
	 * them in {@code to_regprocedure} and {@code DROP FUNCTION}.
	 */
	static final String COMMIT_FUNCTION_ARGUMENTS = "integer, uuid, uuid, bytea[], bytea[], integer[], bigint[], "
			+ "integer[], boolean[], bytea[], integer[], bytea[], bytea[], boolean[]";

	final String prefix;

	final String keyspaceTable;

	final String entryTable;

	final String batchTable;

	final String tombstoneTable;

	final String schemaVersionTable;

	/**
	 * One batch, in one statement (run in autocommit: its own transaction, committed before the reply). Parameters:
	 * keyspace id, batch id, node id, keys, values (NULL deletes), per update its first write and snapshot
	 * sequence, per key of an update its update, whether it was read, the key; per span its update, low, high,
	 * bounded. One row (no row: no such keyspace): sequence, applied writes, rejected update or -1, reason, key.
	 */
	final String commit;

	/**
	 * {@link #commit} for a batch without updates: the same call with the footprint arrays empty (written in the
	 * statement, so only the five parameters keyspace id, batch id, node id, keys and values are bound and sent).
	 */
	final String commitBlind;

	/**
	 * {@link #commit} with the keyspace's lock released before the WAL flush, in the same one round trip: the
	 * schema's procedure {@code commit_released} (run in autocommit: it commits the batch without waiting for the
	 * flush, then flushes in a second transaction before it replies). The same parameters and reply columns as
	 * {@link #commit}, {@code flushed} always true; no keyspace: one row of NULLs.
	 */
	final String commitReleased;

	/** {@link #commitReleased} for a batch without updates (five parameters, as {@link #commitBlind}). */
	final String commitReleasedBlind;

	/**
	 * Several keyspaces' batches of this node in ONE transaction and one round trip ({@link JoinedCommitter}): the
	 * schema's procedure {@code commit_joined} (version 3; run in autocommit). Parameters: node id; per batch its
	 * keyspace id and batch id; where each batch's writes, updates, update keys and spans start in the flattened
	 * arrays (1-based, one more element than the batches: the end); then the flattened arrays of
	 * {@link #commit}'s parameters 4 to 14 (indexes inside a batch relative to that batch); then how long a batch
	 * waits for its keyspace's lock, in ms (past it the batch fails alone with 55P03; 0: no limit). One row of arrays,
	 * one element per batch: sequence, applied writes, rejected update or -1, reason, key, SQLSTATE of its failure (NULL:
	 * none), its detail; then flushed (true).
	 */
	final String commitJoined;

	/**
	 * Durability after a commit that did not wait for its WAL flush, and before handing out a read that saw such a
	 * commit ({@link DurableSequences}): one autocommit transaction that writes WAL under an xid and commits with
	 * {@code synchronous_commit} on (set locally), so its COMMIT flushes the WAL past every commit record before it.
	 * {@code pg_logical_emit_message} is executable by PUBLIC and writes its record at any {@code wal_level}.
	 */
	final String flushWal = "SELECT set_config('synchronous_commit', 'on', true), "
			+ "pg_logical_emit_message(true, 'level-mutex', '')";

	/**
	 * A batch of ONE write, blind or covered by one update whose footprint lists only keys (see {@link OneWriteCommit}),
	 * in one plain statement with data-modifying CTEs instead of the commit function: the same work without
	 * PL/pgSQL's statement-by-statement overhead. Run in autocommit (its own transaction, committed before the reply,
	 * lock held through the flush: {@code synchronous_commit} on when it takes a sequence). It never waits for the
	 * keyspace row's lock ({@code SKIP LOCKED}): a held lock leaves the batch to the function's contended commit.
	 * Every part reads ONE snapshot, taken before the lock is taken; so the lock step applies only if the row is still
	 * the version that snapshot saw ({@code k.seq = s.current}: no batch committed in between, so validation and the
	 * delete's probe saw every earlier batch; at READ COMMITTED an UPDATE re-checks its condition on the newest row
	 * version). A blind put skips that condition: its upsert acts on the newest row whatever the snapshot. A put is an
	 * UPDATE of the key's entry, and an INSERT only when it updated none (ON CONFLICT DO UPDATE still, for an entry
	 * inserted by a batch that committed after the snapshot was taken): an INSERT ... ON CONFLICT DO UPDATE that finds
	 * the entry locks it first, one more WAL record per put than the plain UPDATE (measured: series-aa/pgc1). An
	 * update that read the key it writes is validated by one probe of that key (its KEY_READ), not two.
	 * Parameters: keyspace id, batch id, node id, key, value
	 * (NULL deletes), the update's snapshot sequence (NULL: blind), a key it read (NULL: none). One row (none: no such
	 * keyspace): the batch's sequence (NULL: nothing applied), the sequence the snapshot saw, the rejection's reason
	 * (NULL: none; {@code FUTURE_SNAPSHOT}: a snapshot above the one seen). Nothing applied and no reason (the lock
	 * was held, or found a newer row) or {@code FUTURE_SNAPSHOT}: the transaction wrote nothing and the caller runs
	 * {@link #commit}.
	 */
	final String commitOneWrite;

	/**
	 * {@link #commitOneWrite} for a blind put (the commonest batch of one write at low concurrency): the same lock
	 * step without the snapshot condition (a blind put's upsert acts on the newest row whatever the snapshot), the
	 * upsert (an UPDATE of the entry, else an INSERT, as in {@link #commitOneWrite}) and the batch-log row, without the validation and delete parts (measured 0.7-0.9x the full statement's
	 * server time). Run in autocommit; never waits for the keyspace row's lock ({@code SKIP LOCKED}: held, the
	 * caller runs {@link #commit}). Parameters: keyspace id, batch id, node id, key, value. One row, as
	 * {@link #commitOneWrite}'s: the batch's sequence (NULL: the lock was held or no such keyspace, nothing written),
	 * then two NULLs.
	 */
	final String commitPut;

	/**
	 * {@link #commitPut} through the schema's put function (where it exists: {@link #putFunctionExists}): the same
	 * work, rules, parameters and reply row (the batch's sequence, NULL when the lock was held or no such keyspace,
	 * then two NULLs), its statements' plans cached per session (measured: less server time than the statement's
	 * CTEs, series-ac/pgput). Run in autocommit.
	 */
	final String commitPutFunction;

	/** Resolution of a lost commit: a lock timeout for the transaction ({@code set_config}, local). */
	final String lockTimeout = "SELECT set_config('lock_timeout', ?, true)";

	/** Resolution: waits for the keyspace row's lock, so that the lost batch's transaction has ended. */
	final String lockKeyspace;

	/**
	 * Resolution: the batch-log row of a batch id. Parameters: keyspace id, a sequence of the keyspace known committed
	 * before the batch (the batch's sequence is above it), batch id. A range of the primary key (keyspace_id, seq),
	 * the batch log's only index from schema version 3 (version 2's batch_id index serves it too).
	 */
	final String findBatch;

	/**
	 * Remote-change hints, one per keyspace, in one statement (its own transaction, outside every batch's):
	 * channel, keyspace ids, sequences. Each payload names the table prefix ({@link HintPayload}).
	 */
	final String notifyCommits;

	/** Clean-up: raises the horizon to {@code seq - retention}, returning it. */
	final String raiseHorizon;

	/**
	 * Clean-up: takes up to a number of rows at or below the horizon from the tombstone table and deletes their
	 * entries that are still those tombstones (value NULL, the same sequence); the count is of entries deleted.
	 * Parameters: keyspace id, horizon, limit.
	 */
	final String deleteTombstones;

	/** Clean-up: deletes up to a number of batch-log rows at or below the horizon. */
	final String deleteBatches;

	/**
	 * The WAL positions a read returns with its keyspace's sequence when the keyspace's last batch committed without
	 * its flush ({@code async_seq = seq}; NULL otherwise, and the functions are not called): the insert position, read
	 * after the statement's snapshot (every commit record the snapshot saw lies before it), and the flush position
	 * (NULL while synchronous standbys are named: a local flush is then not a durable commit). Both as bytes from
	 * {@code 0/0}. See {@link DurableSequences#mustFlush(int, DurableSequences.Seen, long, long)}.
	 */
	static final String WAL_POSITIONS = "CASE WHEN async_seq = seq "
			+ "THEN pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::int8 END AS inserted, "
			+ "CASE WHEN async_seq = seq AND current_setting('synchronous_standby_names') = '' "
			+ "THEN pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::int8 END AS flushed";

	/**
	 * Clean-up in ONE statement (its own transaction, autocommit): {@link #raiseHorizon}, {@link #deleteTombstones}
	 * and {@link #deleteBatches} as data-modifying CTEs, the deletes bounded by the horizon the UPDATE returns (so
	 * they run after it took the keyspace's lock: the lock, then entry rows, as every commit takes them), and its
	 * COMMIT without waiting for the WAL flush ({@code synchronous_commit} off for this transaction only; why that
	 * is safe: {@link TombstoneCleaner}). The lock is held for the statement's execution and its COMMIT only: it is
	 * planned before the UPDATE runs, with no round trip in between. Parameters: retention, keyspace id, keyspace
	 * id, limit, keyspace id, limit. One row: entries deleted, then {@code synchronous_commit} as set.
	 */
	final String cleanUp;

	/**
	 * Planned reads ({@link PlanReader}): one statement per shape of plan, indexed by {@link #readPlan}'s bits. Run
	 * in autocommit: one statement reads one snapshot even at READ COMMITTED, so the keyspace's sequence and every
	 * answer come from the same committed state, and no transaction is held open. The sequence's row (part 0) has
	 * in its index column 1 when the keyspace's last batch committed without its flush ({@link DurableSequences}),
	 * and then in columns 6 and 7 the WAL positions ({@link #WAL_POSITIONS}). Parameters, per part present:
	 * the keyspace id (always: the sequence row); keys, keyspace id (gets); scan indexes, lower bounds, upper
	 * bounds, limits, keyspace id (ascending scans; then the same for descending ones). Rows: part (0 the
	 * sequence, 1 a found key, 2 a scan's entry), index (1-based key position, or the scan's index), key, value,
	 * sequence. A scan's entries come in no particular order: the reader sorts them.
	 */
	private final String[] readPlans = new String[8];

	/**
	 * The planned read of a plan that is ONE key and no scan (an update() reading one key, a read phase of one
	 * get): the keyspace's sequence and the key's entry, the key a plain parameter. Unlike {@link #readPlan}'s
	 * statements, whose keys are unnested from an array, its generic plan is a primary-key probe whatever the
	 * table's statistics, so PostgreSQL plans it once per connection. (The array form's generic plan assumes ten
	 * keys: without statistics it hash-joins every entry of the keyspace; with them PostgreSQL may plan a custom
	 * plan on every execution instead.) Parameters: keyspace id (the sequence row), keyspace id, key. Rows as
	 * {@link #readPlan}'s: part 0 the sequence, part 1 the key's value at index 1 (none when the key has no entry
	 * or a tombstone).
	 */
	final String readOneKey;

	/**
	 * Snapshots ({@link PostgresSnapshot}): the first statement of the transaction (after the driver's BEGIN),
	 * transaction-local so the session's defaults stay as the pool handed them out.
	 */
	final String beginSnapshot = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

	/**
	 * Snapshots: a keyspace's sequence, whether its last batch committed without its flush, and then the WAL
	 * positions ({@link #WAL_POSITIONS}, read after the snapshot: this is the transaction's first query).
	 */
	final String keyspaceSequence;

	/** Snapshots: values of keys (tombstones are none). Parameters: keyspace id, keys. */
	final String snapshotGet;

	/** Snapshots: bounded scans, indexed by {@link #snapshotScan}'s bits. */
	private final String[] snapshotScans = new String[4];

	/** Listener: names its connection's session (a literal: SET takes no parameter). */
	final String listenerName = "SET application_name = '" + RemoteChangeListener.APPLICATION_NAME + "'";

	/** Listener: LISTEN on the channel (validated as a plain identifier). */
	final String listen;

	/** Listener: the session's application name before the listener set its own. */
	final String applicationName = "SELECT current_setting('application_name')";

	/** Listener: stops listening before the connection goes back to its pool. */
	final String unlisten = "UNLISTEN *";

	/** Listener: restores the session's application name. */
	final String restoreApplicationName = "SELECT set_config('application_name', ?, false)";

	/** Listener: keeps the connection's liveness known while nothing is watched. */
	final String ping = "SELECT 1";

	/**
	 * Listener: the other remote-change listeners' sessions in this database (any role: pg_stat_activity shows
	 * every session's database, pid and application name to every role).
	 */
	final String otherListeners = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
			+ " AND application_name = '" + RemoteChangeListener.APPLICATION_NAME + "' AND pid <> pg_backend_pid()";

	/**
	 * Listener, one statement per catch-up: for each watched keyspace (parameters: this node's id, then the
	 * keyspace ids and the last sequence handled of each) its sequence, whether its last batch committed without its
	 * flush, the server's WAL insert and flush positions (bytes from 0/0) read after the statement's snapshot (every
	 * batch the snapshot saw has its commit record before that insert position, so it is durable once the flush
	 * position reaches it: {@link RemoteChangeListener}; the flush position is -1 while synchronous standbys are
	 * named, where a local flush is not yet a durable commit), and this node's own batches after the last sequence
	 * handled, up to the sequence read, in order.
	 */
	final String keyspaceSequences;

	/** Durability check: the session's synchronous_commit, its source and its value at session start. */
	static final String SYNCHRONOUS_COMMIT = """
			SELECT current_setting('synchronous_commit'), source, reset_val
			FROM pg_settings WHERE name = 'synchronous_commit'""";

	/** Durability check: synchronous_commit in the server's configuration file (needs pg_read_all_settings). */
	static final String SYNCHRONOUS_COMMIT_FILE = """
			SELECT setting FROM pg_file_settings
			WHERE name = 'synchronous_commit' AND applied AND error IS NULL""";

	/** Schema installation: serialises installers (a transaction-level advisory lock on the given key). */
	static final String SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(?)";

	/** Keyspace directory: creates a keyspace row if missing. */
	final String insertKeyspace;

	/** Keyspace directory: the id of a keyspace. */
	final String keyspaceId;

	/** Schema check: whether the version table exists. */
	final String schemaExists;

	/** Schema check: the highest installed version. */
	final String schemaVersion;

	/** Schema check: whether the commit function and the released-commit procedure exist. */
	final String commitFunctionExists;

	/** Schema check: whether the joined-commit procedure exists (version 3). */
	final String joinedProcedureExists;

	/** Schema check: whether the put function ({@link #commitPutFunction}) exists (version 3, a later build). */
	final String putFunctionExists;

	/**
	 * The system property that turns {@link #KEEP_HEAP} off (the benchmarks' A/B switch; read when the statements
	 * are made, i.e. when an engine opens): true unless "false".
	 */
	static final String KEEP_HEAP_PROPERTY = "io.levelmutex.postgres.keepHeap";

	/** The session setting that marks a server session whose heap is kept ({@link #KEEP_HEAP}). */
	static final String HEAP_KEPT_SETTING = "level_mutex.heap_kept";

	/** The size of {@link #KEEP_HEAP}'s one allocation, in bytes (its trim threshold is twice that). */
	static final int KEEP_HEAP_BYTES = 4 * 1024 * 1024;

	/**
	 * An expression of value 0 that, the first time it is evaluated in a server session (the session setting
	 * {@value #HEAP_KEPT_SETTING} unset), allocates and frees one {@value #KEEP_HEAP_BYTES}-byte value and marks
	 * the session; afterwards it costs one lookup of that setting. Why: glibc's malloc gives the top of its heap
	 * back to the kernel ({@code brk}) whenever more than its trim threshold (128 KB by default) lies free there,
	 * and a commit statement's executor memory crossed it on about every batch: each commit then shrank the heap
	 * at its end (a TLB flush on every CPU) and grew it again, page by page, in the next one (measured:
	 * ~1.1 brk calls and ~10 page faults per node batch, 5-8% of the server's CPU per batch at 3 nodes, series
	 * AE pg3srv). Freeing a memory-mapped block (one above the mmap threshold, 128 KB) raises glibc's thresholds
	 * for the rest of the process (the mmap threshold to the block's size, the trim threshold to twice that), so
	 * the backend keeps up to 2 x {@value #KEEP_HEAP_BYTES} bytes of freed heap instead of returning and
	 * re-faulting it. Elsewhere (another allocator, fixed thresholds) it is one 4 MB allocation per session. A
	 * transaction that rolls back undoes the mark: the next commit allocates once more (harmless). The size is
	 * computed with a volatile term: a constant {@code repeat} would be folded when the statement is planned, and
	 * a CALL's arguments are planned on every call (measured: 2,000 page faults per batch that way).
	 */
	static final String KEEP_HEAP = "CASE WHEN current_setting('" + HEAP_KEPT_SETTING + "', true) IS NULL "
			+ "THEN 0 * length(set_config('" + HEAP_KEPT_SETTING + "', length(repeat('x', (" + KEEP_HEAP_BYTES
			+ " + 0 * random())::int))::text, false)) ELSE 0 END";

	/**
	 * The statements for tables named with {@code prefix}, listening on the default channel.
	 * @param prefix the table prefix (a validated identifier)
	 */
	PostgresSql(String prefix) {
		this(prefix, PostgresSettings.defaults().channel());
	}

	/**
	 * The statements for tables named with {@code prefix}, listening on {@code channel}.
	 * @param prefix the table prefix (a validated identifier)
	 * @param channel the notification channel (a validated identifier)
	 */
	PostgresSql(String prefix, String channel) {
		this(prefix, channel, !"false".equals(System.getProperty(KEEP_HEAP_PROPERTY)));
	}

	/**
	 * The statements for tables named with {@code prefix}, listening on {@code channel}.
	 * @param prefix the table prefix (a validated identifier)
	 * @param channel the notification channel (a validated identifier)
	 * @param keepHeap whether the batch commits ({@link #commit}, {@link #commitBlind}, {@link #commitReleased},
	 * {@link #commitReleasedBlind}) add {@link #KEEP_HEAP} to their keyspace id argument
	 */
	PostgresSql(String prefix, String channel, boolean keepHeap) {
		this.prefix = prefix;
		String keyspaceArgument = keepHeap ? "(?::int + " + KEEP_HEAP + ")" : "?";
		this.keyspaceTable = prefix + "keyspace";
		this.entryTable = prefix + "entry";
		this.batchTable = prefix + "batch";
		this.tombstoneTable = prefix + "tombstone";
		this.schemaVersionTable = prefix + "schema_version";
		this.notifyCommits = "SELECT pg_notify(?, '%s:' || t.keyspace_id || ':' || t.seq) ".formatted(prefix)
				+ "FROM unnest(?::int[], ?::bigint[]) AS t(keyspace_id, seq)";
		this.commit = """
				SELECT seq, applied_ops, rejected_unit, rejected_reason, rejected_key, flushed FROM %scommit(%s, ?, ?,
				    ?::bytea[], ?::bytea[], ?::int[], ?::bigint[], ?::int[], ?::boolean[], ?::bytea[],
				    ?::int[], ?::bytea[], ?::bytea[], ?::boolean[])""".formatted(prefix, keyspaceArgument);
		this.commitBlind = """
				SELECT seq, applied_ops, rejected_unit, rejected_reason, rejected_key, flushed FROM %scommit(%s, ?, ?,
				    ?::bytea[], ?::bytea[], '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[],
				    '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[])""".formatted(prefix, keyspaceArgument);
		this.commitReleased = """
				CALL %scommit_released(%s, ?, ?,
				    ?::bytea[], ?::bytea[], ?::int[], ?::bigint[], ?::int[], ?::boolean[], ?::bytea[],
				    ?::int[], ?::bytea[], ?::bytea[], ?::boolean[], NULL, NULL, NULL, NULL, NULL, NULL)""".formatted(prefix, keyspaceArgument);
		this.commitReleasedBlind = """
				CALL %scommit_released(%s, ?, ?,
				    ?::bytea[], ?::bytea[], '{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[],
				    '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[], NULL, NULL, NULL, NULL, NULL, NULL)"""
			.formatted(prefix, keyspaceArgument);
		this.commitJoined = """
				CALL %scommit_joined(?, ?::int[], ?::uuid[], ?::int[], ?::int[], ?::int[], ?::int[],
				    ?::bytea[], ?::bytea[], ?::int[], ?::bigint[], ?::int[], ?::boolean[], ?::bytea[],
				    ?::int[], ?::bytea[], ?::bytea[], ?::boolean[], ?::int, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"""
			.formatted(prefix);
		this.commitOneWrite = """
				WITH p AS NOT MATERIALIZED (
				    SELECT ?::int AS ks, ?::uuid AS batch, ?::uuid AS node, ?::bytea AS key, ?::bytea AS value,
				        ?::bigint AS snap, ?::bytea AS read
				), s AS MATERIALIZED (
				    SELECT k.seq AS current, k.horizon FROM p, %1$s k WHERE k.id = p.ks
				), r AS MATERIALIZED (
				    SELECT CASE
				        WHEN p.snap IS NULL THEN NULL
				        WHEN p.snap > s.current THEN 'FUTURE_SNAPSHOT'
				        WHEN p.snap < s.horizon THEN 'SNAPSHOT_TOO_OLD'
				        WHEN EXISTS (SELECT FROM %2$s e
				            WHERE e.keyspace_id = p.ks AND e.key = p.read AND e.seq > p.snap) THEN 'KEY_READ'
				        WHEN p.read IS DISTINCT FROM p.key AND EXISTS (SELECT FROM %2$s e
				            WHERE e.keyspace_id = p.ks AND e.key = p.key AND e.seq > p.snap) THEN 'KEY_WRITTEN'
				        END AS reason
				    FROM p, s
				), free AS MATERIALIZED (
				    SELECT k.id FROM p, r, %1$s k WHERE k.id = p.ks AND r.reason IS NULL FOR UPDATE OF k SKIP LOCKED
				), k AS (
				    UPDATE %1$s k SET seq = k.seq + 1 FROM p, s, free
				    WHERE k.id = free.id AND (k.seq = s.current OR (p.value IS NOT NULL AND p.snap IS NULL))
				    RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
				), upd AS (
				    UPDATE %2$s e SET value = p.value, seq = k.seq FROM p, k
				    WHERE p.value IS NOT NULL AND e.keyspace_id = p.ks AND e.key = p.key
				    RETURNING e.seq
				), put AS (
				    INSERT INTO %2$s AS e (keyspace_id, key, value, seq)
				    SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE p.value IS NOT NULL AND NOT EXISTS (SELECT FROM upd)
				    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
				), del AS (
				    UPDATE %2$s e SET value = NULL, seq = k.seq FROM p, k
				    WHERE p.value IS NULL AND e.keyspace_id = p.ks AND e.key = p.key AND e.value IS NOT NULL
				    RETURNING e.keyspace_id, e.seq, e.key
				), tombstone AS (
				    INSERT INTO %3$s (keyspace_id, seq, key) SELECT d.keyspace_id, d.seq, d.key FROM del d
				), logged AS (
				    INSERT INTO %4$s (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
				        rejected_reason, rejected_key)
				    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
				)
				SELECT k.seq, s.current, r.reason FROM s CROSS JOIN r LEFT JOIN k ON true"""
			.formatted(this.keyspaceTable, this.entryTable, this.tombstoneTable, this.batchTable);
		this.commitPut = """
				WITH p AS NOT MATERIALIZED (
				    SELECT ?::int AS ks, ?::uuid AS batch, ?::uuid AS node, ?::bytea AS key, ?::bytea AS value
				), free AS MATERIALIZED (
				    SELECT k.id FROM p, %1$s k WHERE k.id = p.ks FOR UPDATE OF k SKIP LOCKED
				), k AS (
				    UPDATE %1$s k SET seq = k.seq + 1 FROM free WHERE k.id = free.id
				    RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
				), upd AS (
				    UPDATE %2$s e SET value = p.value, seq = k.seq FROM p, k WHERE e.keyspace_id = p.ks AND e.key = p.key
				    RETURNING e.seq
				), put AS (
				    INSERT INTO %2$s AS e (keyspace_id, key, value, seq)
				    SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE NOT EXISTS (SELECT FROM upd)
				    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
				), logged AS (
				    INSERT INTO %3$s (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
				        rejected_reason, rejected_key)
				    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
				)
				SELECT k.seq, NULL::bigint, NULL::text FROM (SELECT) AS one LEFT JOIN k ON true"""
			.formatted(this.keyspaceTable, this.entryTable, this.batchTable);
		this.commitPutFunction = "SELECT s, NULL::bigint, NULL::text FROM %s%s(?, ?, ?, ?, ?) AS s".formatted(prefix,
				COMMIT_PUT_FUNCTION);
		this.lockKeyspace = "SELECT horizon FROM %s WHERE id = ? FOR UPDATE".formatted(this.keyspaceTable);
		this.findBatch = """
				SELECT seq, applied_ops, rejected_unit, rejected_reason, rejected_key FROM %s
				WHERE keyspace_id = ? AND seq > ? AND batch_id = ?""".formatted(this.batchTable);
		this.raiseHorizon = """
				UPDATE %s SET horizon = greatest(horizon, seq - ?) WHERE id = ?
				RETURNING horizon""".formatted(this.keyspaceTable);
		this.deleteTombstones = """
				WITH gone AS (
				    DELETE FROM %1$s WHERE ctid = ANY(ARRAY(SELECT ctid FROM %1$s
				        WHERE keyspace_id = ? AND seq <= ? LIMIT ?))
				    RETURNING keyspace_id, seq, key)
				DELETE FROM %2$s e USING gone g
				WHERE e.keyspace_id = g.keyspace_id AND e.key = g.key AND e.seq = g.seq AND e.value IS NULL"""
			.formatted(this.tombstoneTable, this.entryTable);
		this.deleteBatches = """
				DELETE FROM %1$s WHERE ctid = ANY(ARRAY(SELECT ctid FROM %1$s
				    WHERE keyspace_id = ? AND seq <= ? LIMIT ?))""".formatted(this.batchTable);
		this.cleanUp = """
				WITH h AS (
				    UPDATE %1$s SET horizon = greatest(horizon, seq - ?) WHERE id = ?
				    RETURNING horizon, set_config('synchronous_commit', 'off', true) AS sync
				), gone AS (
				    DELETE FROM %2$s WHERE ctid = ANY(ARRAY(SELECT ctid FROM %2$s
				        WHERE keyspace_id = ? AND seq <= (SELECT horizon FROM h) LIMIT ?))
				    RETURNING keyspace_id, seq, key
				), entries AS (
				    DELETE FROM %3$s e USING gone g
				    WHERE e.keyspace_id = g.keyspace_id AND e.key = g.key AND e.seq = g.seq AND e.value IS NULL
				    RETURNING 1
				), batches AS (
				    DELETE FROM %4$s WHERE ctid = ANY(ARRAY(SELECT ctid FROM %4$s
				        WHERE keyspace_id = ? AND seq <= (SELECT horizon FROM h) LIMIT ?))
				)
				SELECT (SELECT count(*) FROM entries), (SELECT sync FROM h)"""
			.formatted(this.keyspaceTable, this.tombstoneTable, this.entryTable, this.batchTable);
		for (int shape = 0; shape < this.readPlans.length; shape++) {
			this.readPlans[shape] = readPlan(this.keyspaceTable, this.entryTable, (shape & 1) != 0, (shape & 2) != 0,
					(shape & 4) != 0);
		}
		this.readOneKey = """
				SELECT 0 AS part, (async_seq = seq)::int AS n, NULL::bytea AS key, NULL::bytea AS value, seq, %s FROM %s
				WHERE id = ?
				UNION ALL
				SELECT 1, 1, NULL::bytea, e.value, NULL::bigint, NULL::int8, NULL::int8 FROM %s e
				WHERE e.keyspace_id = ? AND e.key = ? AND e.value IS NOT NULL""".formatted(WAL_POSITIONS,
				this.keyspaceTable, this.entryTable);
		this.keyspaceSequence = "SELECT seq, async_seq = seq, %s FROM %s WHERE id = ?".formatted(WAL_POSITIONS,
				this.keyspaceTable);
		this.snapshotGet = """
				SELECT key, value FROM %s
				WHERE keyspace_id = ? AND key = ANY(?) AND value IS NOT NULL""".formatted(this.entryTable);
		for (int shape = 0; shape < this.snapshotScans.length; shape++) {
			this.snapshotScans[shape] = """
					SELECT key, value FROM %s WHERE keyspace_id = ? AND value IS NOT NULL AND key >= ?%s
					ORDER BY key%s LIMIT ?""".formatted(this.entryTable, ((shape & 2) != 0) ? " AND key < ?" : "",
					((shape & 1) != 0) ? "" : " DESC");
		}
		this.listen = "LISTEN " + channel;
		this.keyspaceSequences = """
				SELECT k.id, k.seq, k.async_seq = k.seq, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::int8,
				CASE WHEN current_setting('synchronous_standby_names') = ''
				THEN pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::int8 ELSE -1 END,
				ARRAY(SELECT b.seq FROM %s b WHERE b.keyspace_id = k.id AND b.seq > w.seen AND b.seq <= k.seq
				AND b.node_id = ? ORDER BY b.seq)
				FROM unnest(?::int4[], ?::int8[]) AS w(id, seen) JOIN %s k ON k.id = w.id""".formatted(this.batchTable,
				this.keyspaceTable);
		this.insertKeyspace = "INSERT INTO %s (name) VALUES (?) ON CONFLICT (name) DO NOTHING"
			.formatted(this.keyspaceTable);
		this.keyspaceId = "SELECT id FROM %s WHERE name = ?".formatted(this.keyspaceTable);
		this.schemaExists = "SELECT to_regclass('%s') IS NOT NULL".formatted(this.schemaVersionTable);
		this.schemaVersion = "SELECT max(version) FROM %s".formatted(this.schemaVersionTable);
		this.commitFunctionExists = "SELECT to_regprocedure('%s%s(%s)') IS NOT NULL AND to_regprocedure('%s%s(%s)') IS NOT NULL"
			.formatted(prefix, COMMIT_FUNCTION, COMMIT_FUNCTION_ARGUMENTS, prefix, COMMIT_RELEASED_PROCEDURE,
					COMMIT_FUNCTION_ARGUMENTS);
		this.joinedProcedureExists = "SELECT to_regprocedure('%s%s(%s)') IS NOT NULL".formatted(prefix,
				COMMIT_JOINED_PROCEDURE, COMMIT_JOINED_ARGUMENTS);
		this.putFunctionExists = "SELECT to_regprocedure('%s%s(%s)') IS NOT NULL".formatted(prefix,
				COMMIT_PUT_FUNCTION, COMMIT_PUT_ARGUMENTS);
	}

	/**
	 * The statement answering a plan of that shape.
	 * @param gets whether the plan has keys
	 * @param ascending whether it has ascending scans
	 * @param descending whether it has descending scans
	 * @return the statement's text
	 */
	String readPlan(boolean gets, boolean ascending, boolean descending) {
		return this.readPlans[(gets ? 1 : 0) | (ascending ? 2 : 0) | (descending ? 4 : 0)];
	}

	/**
	 * A snapshot's scan: parameters keyspace id, lower bound (included), upper bound (excluded, when bounded),
	 * limit.
	 * @param ascending in ascending key order, else descending
	 * @param bounded whether it has an upper bound
	 * @return the statement's text
	 */
	String snapshotScan(boolean ascending, boolean bounded) {
		return this.snapshotScans[(ascending ? 1 : 0) | (bounded ? 2 : 0)];
	}

	private static String readPlan(String keyspaceTable, String entryTable, boolean gets, boolean ascending,
			boolean descending) {
		StringBuilder sql = new StringBuilder("""
				SELECT 0 AS part, (async_seq = seq)::int AS n, NULL::bytea AS key, NULL::bytea AS value, seq, %s FROM %s
				WHERE id = ?"""
			.formatted(WAL_POSITIONS, keyspaceTable));
		if (gets) {
			sql.append("""

					UNION ALL
					SELECT 1, k.n::int, NULL::bytea, e.value, NULL::bigint, NULL::int8, NULL::int8
					FROM unnest(?::bytea[]) WITH ORDINALITY AS k(key, n)
					JOIN %s e ON e.keyspace_id = ? AND e.key = k.key AND e.value IS NOT NULL""".formatted(entryTable));
		}
		if (ascending) {
			sql.append(scans(entryTable, "ORDER BY e.key"));
		}
		if (descending) {
			sql.append(scans(entryTable, "ORDER BY e.key DESC"));
		}
		return sql.toString();
	}

	/** Bounded scans, one LATERAL index range scan each, in the given order. */
	private static String scans(String entryTable, String order) {
		return """

				UNION ALL
				SELECT 2, s.n, x.key, x.value, NULL::bigint, NULL::int8, NULL::int8
				FROM unnest(?::int[], ?::bytea[], ?::bytea[], ?::int[]) AS s(n, low, high, lim)
				CROSS JOIN LATERAL (SELECT e.key, e.value FROM %s e WHERE e.keyspace_id = ? AND e.key >= s.low
				    AND e.key < s.high AND e.value IS NOT NULL %s LIMIT s.lim) x""".formatted(entryTable, order);
	}

}
