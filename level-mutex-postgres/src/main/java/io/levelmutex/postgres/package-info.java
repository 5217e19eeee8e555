/**
 * The PostgreSQL storage layer of level-mutex: schema, snapshot reads, validated atomic batch commits with a
 * gapless per-keyspace sequence, and remote-change notification. Package-private until the core's engine
 * interface exists; JDBC only (pgjdbc), on a {@link javax.sql.DataSource}.
 *
 * <p>Guarantees, per keyspace:
 * <ul>
 * <li>Schema ({@code META-INF/level-mutex/postgres/schema-v1.sql}): a keyspace row holding the last sequence and
 * the tombstone horizon; entries (key, value or NULL for a tombstone, the sequence that last wrote them); the
 * batch log (batch id, sequence, node id, rejected units). Created idempotently under a transaction-scoped
 * advisory lock, or verified.</li>
 * <li>Snapshot ({@link io.levelmutex.postgres.PostgresSnapshot}): REPEATABLE READ, READ ONLY, own connection;
 * its first statement reads the sequence, so the sequence names exactly what it sees.</li>
 * <li>Commit ({@link io.levelmutex.postgres.BatchCommitter}): one READ COMMITTED transaction; the keyspace row
 * is locked first by {@code UPDATE ... SET seq = seq + 1 RETURNING}, so commits of a keyspace serialise there
 * and every later statement of the transaction sees every earlier commit; sequences are gapless and in commit
 * order across nodes, and a rolled-back batch leaves no gap. Units are validated against rows with a sequence
 * above their snapshot's; conflicting units and their dependants are left out; the rest is applied by two
 * multi-row statements; the batch log row is written; COMMIT; then NOTIFY (never inside the transaction).
 * {@code synchronous_commit} is checked at open and set on in every batch transaction.</li>
 * <li>Limits: keys 1 to 2,048 bytes (an index tuple of keyspace id and key stays under B-tree's 2,704-byte
 * limit even for incompressible keys), values up to {@link io.levelmutex.postgres.PostgresSettings#maxValueBytes()}
 * (8 MiB by default, at most 256 MiB); both refused before any SQL is sent.</li>
 * <li>Failures are {@link io.levelmutex.postgres.PostgresStoreException} subclasses, never a raw
 * {@link java.sql.SQLException}: input, configuration, unavailable (nothing applied; safe to retry), outcome
 * unknown (connection lost during COMMIT and the batch log could not tell within the bounded wait).</li>
 * </ul>
 */
@NullMarked
package io.levelmutex.postgres;

import org.jspecify.annotations.NullMarked;
