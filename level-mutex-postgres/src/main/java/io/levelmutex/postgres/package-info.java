/**
 * The PostgreSQL storage engine of level-mutex: {@link io.levelmutex.postgres.PostgresStore} opens a
 * {@link io.levelmutex.MutexStore} on a {@link javax.sql.DataSource} (pgjdbc, any pool), so that several
 * application instances share the same mutexes with the same {@code Mutex} API. Everything else in this package
 * is internal.
 *
 * <p>How it works, per mutex keyspace (its own PostgreSQL keyspace, with its own sequence):
 * <ul>
 * <li>Schema ({@code META-INF/level-mutex/postgres/schema-v3.sql}; {@code upgrade-v1-to-v2.sql},
 * {@code upgrade-v2-to-v3.sql}, {@code drop.sql} beside it; every statement in {@link io.levelmutex.postgres.PostgresSql}): a keyspace row
 * holding the last sequence and the tombstone horizon; entries (key, value or NULL for a tombstone, the sequence
 * that last wrote them; the primary key is the only index); the tombstones by sequence (for their clean-up); the
 * batch log (batch id, sequence, node id, applied prefix, rejected update); the commit
 * function; the joined-commit procedure (version 3; a version-2 schema runs without it). Created (or upgraded) idempotently under a transaction-scoped advisory lock, or
 * verified.</li>
 * <li>Read phase: ONE statement in autocommit ({@code PlanReader}) answers every get and
 * bounded scan of the phase and reads the keyspace's sequence, all on the statement's one snapshot, so the
 * sequence names exactly what the reads saw. The reads of a batch's update functions are predicted by the core
 * and fetched the same way, once per batch.</li>
 * <li>Write phase: one statement per batch, the commit function called in autocommit (its own transaction,
 * committed before the reply: one round trip). It locks the keyspace row first by
 * {@code UPDATE ... SET seq = seq + 1 RETURNING}, so commits of a keyspace serialise there, for that statement
 * and its COMMIT only, and sequences are gapless and in commit order across nodes (a batch that applies nothing
 * gives its sequence back). Updates are validated against rows with a sequence above their snapshot's (keys
 * read, spans, keys written; deletes through tombstones); the first rejected update truncates the batch before
 * its first write; the rest is applied, the batch log row written; COMMIT with {@code synchronous_commit} on.
 * Joined commits ({@code JoinedCommitter}): while a batch of the node is in flight, the batches other mutexes hand
 * over are sent together, in ONE transaction of the joined-commit procedure (per keyspace, in keyspace order, the
 * same function in a subtransaction of its own, then one flush), up to a configured number in flight.
 * NOTIFY hints (merged) and tombstone clean-ups follow on the engine's after-commit worker, never inside a
 * batch's transaction.</li>
 * <li>Remote changes: one listener per store (LISTEN plus polling) delivers other nodes' sequences of each open
 * keyspace, in order, once.</li>
 * <li>Failures are the core's types ({@link io.levelmutex.StorageUnavailableException},
 * {@link io.levelmutex.CommitOutcomeUnknownException}, {@link io.levelmutex.StorageException},
 * {@link io.levelmutex.InvalidInputException}), never a raw {@link java.sql.SQLException}.</li>
 * </ul>
 */
@NullMarked
package io.levelmutex.postgres;

import org.jspecify.annotations.NullMarked;
