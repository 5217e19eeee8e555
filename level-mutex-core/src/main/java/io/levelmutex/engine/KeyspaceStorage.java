package io.levelmutex.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * The storage of one mutex's keyspace in an engine. Used from the mutex's cycle only: one call at a time.
 *
 * <p>Keys: the core prepends {@link #keyPrefix()} to every key it passes (point keys, range bounds, written
 * keys) and strips it from the keys scans return. The embedded engine keeps keyspaces apart by that prefix;
 * an engine that keeps them apart itself returns an empty prefix and sees the mutex's keys as they are.
 */
public interface KeyspaceStorage {

	/**
	 * The bytes the core prepends to every key of this keyspace.
	 * @return the prefix, possibly empty; the caller does not modify it
	 */
	byte[] keyPrefix();

	/**
	 * Whether other writers (other processes or nodes) commit to this keyspace, so that
	 * {@link #commit(EngineBatch)} validates the batch's updates against their commits. When {@code false} the
	 * core does not record {@link UpdateFootprint}s at all.
	 * @return whether commits validate updates
	 */
	boolean validatesUpdates();

	/**
	 * The largest key (with {@link #keyPrefix()}) this engine stores; the core refuses longer keys at the call.
	 * @return a size in bytes
	 */
	int maxKeyBytes();

	/**
	 * The largest value this engine stores; the core refuses longer values at the call.
	 * @return a size in bytes
	 */
	int maxValueBytes();

	/**
	 * Whether the engine may still refer to a batch's lists and arrays ({@link EngineBatch#operations()},
	 * {@link EngineBatch#storedKeys()}, their values) once {@link #commit(EngineBatch)} has returned. When
	 * {@code false} the core reuses one batch builder and its lists for every batch of the mutex, so an engine
	 * that answers {@code false} must copy whatever it keeps. The default, {@code true}, is always safe.
	 * @return whether the engine keeps references to a batch after its commit
	 */
	default boolean keepsBatchAfterCommit() {
		return true;
	}

	/**
	 * Opens a consistent snapshot of the keyspace: every read on it sees the same committed state, the state
	 * after the batch numbered {@link ReadSnapshot#sequence()}. The caller closes it.
	 * @return the snapshot
	 * @throws io.levelmutex.StorageException if the storage cannot be read (nothing to close then)
	 */
	ReadSnapshot snapshot();

	/**
	 * Answers every read of a plan on ONE consistent state of the keyspace, and names that state's sequence. The
	 * core hands over all reads of a read phase at once (and, on engines that {@link #batchesUpdateReads()}, the
	 * reads it expects a batch's update functions to make), so an engine whose reads cost a round trip can answer
	 * them in one.
	 *
	 * <p>Contract: the result has one value per key of the plan, in the plan's order (duplicates answered each
	 * time, {@code null} for a key without value), and one list per scan, in the plan's order, each holding at most
	 * the scan's limit of entries in the scan's direction (an empty or inverted range gives none). Every answer and
	 * {@link ReadResult#sequence()} come from the same committed state: after exactly the batch of that sequence,
	 * nothing newer, nothing partial. Two calls may see different states (a later call at least as new as an
	 * earlier one). A plan without reads still returns the current sequence. The arrays returned are the caller's.
	 * An engine that waits here (a round trip) runs the wait through {@link BlockingCalls#run}.
	 *
	 * <p>The default opens a {@link #snapshot()}, runs one {@link ReadSnapshot#multiGet} (when there are keys) and
	 * one {@link ReadSnapshot#scan} per scan on it, in plan order, and closes it: engines whose reads are cheap
	 * need not override it.
	 * @param plan the reads
	 * @return the answers, index for index
	 * @throws io.levelmutex.StorageException if the storage cannot be read (then nothing is answered)
	 */
	default ReadResult read(ReadPlan plan) {
		try (ReadSnapshot snapshot = snapshot()) {
			List<byte @Nullable []> values = plan.keys().isEmpty() ? List.of() : snapshot.multiGet(plan.keys());
			List<List<KeyValue>> scans;
			if (plan.scans().isEmpty()) {
				scans = List.of();
			}
			else {
				scans = new ArrayList<>(plan.scans().size());
				for (ReadPlan.Scan scan : plan.scans()) {
					scans.add(scan.isEmpty() ? List.of()
							: snapshot.scan(scan.span(), scan.limit(), scan.ascending()));
				}
			}
			return new ReadResult(snapshot.sequence(), values, scans);
		}
	}

	/**
	 * Answers a plan of the reads a batch's update functions make, on an engine that {@link #batchesUpdateReads()}:
	 * as {@link #read(ReadPlan)} (every answer and the sequence from ONE committed state), except that the state
	 * need not be the newest committed one. It must be at least as new as every state this storage answered before
	 * (by either method or a {@link #snapshot()}) and include every batch this storage committed; so an engine may
	 * answer from what its own last commit wrote, without a round trip, while it has seen nothing newer of the
	 * keyspace. Sound only because the answer's sequence is the updates' snapshot sequence and the engine
	 * {@link #validatesUpdates()}: an update that read anything changed since is rejected and runs again. Never
	 * used for a read phase's plain reads (those are not validated). The default is {@link #read(ReadPlan)}.
	 * @param plan the reads
	 * @return the answers, index for index, with the sequence of the state they are of
	 * @throws io.levelmutex.StorageException if the storage cannot be read (then nothing is answered)
	 */
	default ReadResult readForUpdates(ReadPlan plan) {
		return read(plan);
	}

	/**
	 * Whether every read costs this engine a round trip (a server), so that the core should learn the reads of a
	 * batch's update functions in advance and fetch them together with one {@link #read(ReadPlan)}: it then runs
	 * each update function once against a recording context before the batch's real run (README: an update function
	 * may run more than once) and serves the real run's reads from that one answer, reading anything the first run
	 * did not predict with a further {@link #read(ReadPlan)} of its own. Such a later read may see a newer state
	 * than the prefetch whose sequence the update's {@link UpdateFootprint} carries; that is only sound on an
	 * engine that {@link #validatesUpdates()} (a commit rejects the update if anything it read changed since that
	 * sequence) or that has no other writers (then nothing changes between the two). {@code false} by default: the
	 * update functions run once, on one {@link #snapshot()} per batch.
	 * @return whether the core prefetches the reads of update functions
	 */
	default boolean batchesUpdateReads() {
		return false;
	}

	/**
	 * Commits a batch atomically. Without update validation, or when every update is valid, the whole batch
	 * is applied. When an update is rejected (something it read or writes was committed by another writer since
	 * its snapshot), exactly the operations before that update's first operation are applied, atomically, and
	 * nothing after: the core runs the rejected update again, and the writes after it, in a later batch, so
	 * issue order holds. Durable when the keyspace was opened durable, before this returns. An engine that waits
	 * here (a synced write, a round trip) runs the wait through {@link BlockingCalls#run}.
	 * @param batch the batch, at least one operation
	 * @return what was applied, with the keyspace's sequence after it
	 * @throws io.levelmutex.StorageException if nothing of the batch was applied
	 * @throws io.levelmutex.CommitOutcomeUnknownException if the engine cannot tell whether the batch was
	 * applied (a connection lost during the commit)
	 */
	CommitResult commit(EngineBatch batch);

	/**
	 * Commits a batch like {@link #commit(EngineBatch)}, but may answer before the batch is written, so that the
	 * mutex's cycle holds no thread while it waits (an engine that joins the batches of many keyspaces into one
	 * write, for example). The core leaves the batch's lists and arrays untouched, and starts no other commit or
	 * snapshot of this keyspace, until the stage completes; it then completes the batch's operations on its own
	 * executor, never in the stage's dependents. The stage completes exactly once, on any thread, with what
	 * {@link #commit(EngineBatch)} would have returned or thrown. The default runs {@link #commit(EngineBatch)}
	 * here and answers a completed stage. The stage must support {@code toCompletableFuture()} (a
	 * {@link CompletableFuture} does).
	 * @param batch the batch, at least one operation
	 * @return the commit's outcome: its result, or the exception {@link #commit(EngineBatch)} documents
	 */
	default CompletionStage<CommitResult> commitAsync(EngineBatch batch) {
		try {
			return CompletableFuture.completedFuture(commit(batch));
		}
		catch (RuntimeException | Error ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * The mutex closed: the engine stops reporting remote changes for it and releases what it holds for the
	 * keyspace. Its data stays.
	 */
	void close();

}
