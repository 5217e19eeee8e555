package io.levelmutex.postgres;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

/**
 * What one keyspace storage knows of its keyspace's state without reading it, so that an update reading only keys
 * this node wrote runs without the read round trip ({@link PostgresKeyspaceStorage#readForUpdates}).
 *
 * <p><b>What is known, exactly.</b> The keyspace's sequence is gapless: every committed batch has its own next
 * sequence. When this storage's commit is applied at sequence S and what was known before described the state at
 * S - 1, no other batch came between: the state at S is the state at S - 1 with this batch's writes. So while this
 * node's applied commits follow one another without a gap (a chain), the value of every key they wrote is known at
 * the chain's last sequence S. A commit applied at any other sequence (another writer committed in between)
 * starts a new chain with its own writes only. A commit that was rejected, failed, or whose outcome is unknown
 * ends the chain: nothing is known until the next applied commit, and the rejected update runs again on a real
 * read. The chain's keys are answered only while S is the newest sequence this storage has seen of the keyspace
 * (a read or snapshot that saw a newer one stops the answers until a commit starts a new chain), so answers never
 * go back in time, and S includes every batch this storage committed. Whatever another node commits after S is
 * caught by the commit's validation against S (the update's snapshot): a read key changed after S (KEY_READ), a
 * tombstone cleaned up since (the horizon passed S: SNAPSHOT_TOO_OLD). An answer is thus what a read at S would
 * have returned, and an update on it is accepted only if its reads still hold at its commit.
 *
 * <p>Bounded: at most {@link #MAX_BYTES} of keys and values (copies), the least recently written keys dropped
 * first (a dropped key is read again: never wrong). Thread-safe (synchronized): called by the mutex's cycle, one
 * call at a time (a joined commit's reply on a sender thread, while the core starts nothing else of the keyspace).
 */
final class KnownWrites {

	/** The most key and value bytes kept per storage. */
	static final long MAX_BYTES = 256L << 10;

	/** Per kept key: its bookkeeping cost counted on top of its bytes. */
	private static final int ENTRY_OVERHEAD = 64;

	/** Whether anything is kept ({@code false}: {@link #answer} always answers {@code null}). */
	private final boolean enabled;

	/**
	 * What {@link #values} holds for a deleted key: this very array (compared by identity; a put's value is always
	 * a copy, never it), so that a missing key and a deleted one differ in one look-up.
	 */
	private static final byte[] DELETED = new byte[0];

	/** The chain's values in write order (a value, or {@link #DELETED} for a deleted key); guarded by this. */
	private final LinkedHashMap<ByteBuffer, byte[]> values = new LinkedHashMap<>();

	/** The bytes {@link #values} holds, counted as {@link #cost}; guarded by this. */
	private long bytes;

	/** The chain's last sequence, or -1 when nothing is known (no chain, or a commit in flight); guarded by this. */
	private long sequence = -1;

	/** The chain's last sequence while a commit is in flight, or -1; guarded by this. */
	private long inFlight = -1;

	KnownWrites(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * A commit starts: nothing is answered until its outcome is known; an applied outcome continues the chain.
	 */
	synchronized void committing() {
		this.inFlight = this.sequence;
		this.sequence = -1;
	}

	/**
	 * A commit's outcome: an applied batch continues the chain (or starts a new one after a gap); anything else
	 * ends it.
	 * @param batch the batch committed
	 * @param result its outcome
	 */
	synchronized void committed(EngineBatch batch, CommitResult result) {
		long before = this.inFlight;
		this.inFlight = -1;
		if (!this.enabled || result.hasRejection() || result.appliedOperations() != batch.size() || batch.size() == 0) {
			// an empty batch takes no sequence: its result's is the CURRENT one, perhaps another node's batch
			clear();
			return;
		}
		if (before < 0 || result.sequence() != before + 1) {
			clear(); // another writer's batch came between, or nothing was known: a new chain
		}
		for (int i = 0; i < batch.size(); i++) { // in order: the last operation on a key wins
			WriteOperation operation = batch.operations().get(i);
			byte[] key = batch.storedKeys().get(i);
			byte[] value = (operation.type() == WriteOperation.Type.PUT) ? operation.value().clone() : DELETED;
			ByteBuffer held = ByteBuffer.wrap(key.clone());
			byte[] previous = this.values.remove(held); // written again: now the most recent
			if (previous != null) {
				this.bytes -= cost(key, previous);
			}
			this.values.put(held, value);
			this.bytes += cost(key, value);
		}
		Iterator<Map.Entry<ByteBuffer, byte[]>> eldest = this.values.entrySet().iterator();
		while (this.bytes > MAX_BYTES && eldest.hasNext()) {
			Map.Entry<ByteBuffer, byte[]> entry = eldest.next();
			this.bytes -= cost(entry.getKey().array(), entry.getValue());
			eldest.remove();
		}
		this.sequence = result.sequence();
	}

	/** A commit failed (nothing known of its outcome): the chain ends. */
	synchronized void failed() {
		this.inFlight = -1;
		clear();
	}

	/**
	 * Answers a plan from the chain.
	 * @param plan the reads of update functions
	 * @param newestSeen the newest sequence of the keyspace the storage has seen (reads, snapshots, commits)
	 * @return the answers at the chain's last sequence, or {@code null} when they are not all known (a scan, a key
	 * the chain did not write, no reads at all, something newer seen, a commit in flight, no chain)
	 */
	synchronized @Nullable ReadResult answer(ReadPlan plan, long newestSeen) {
		if (this.sequence < 0 || this.sequence != newestSeen || !plan.scans().isEmpty() || plan.keys().isEmpty()) {
			return null;
		}
		List<byte @Nullable []> answers = new ArrayList<>(plan.keys().size());
		for (byte[] key : plan.keys()) {
			byte[] value = this.values.get(ByteBuffer.wrap(key));
			if (value == null) {
				return null;
			}
			answers.add((value != DELETED) ? value.clone() : null);
		}
		return new ReadResult(this.sequence, answers, List.of());
	}

	/** For tests: the chain's last sequence, or -1 when nothing is answered. */
	synchronized long sequence() {
		return this.sequence;
	}

	/** For tests: the keys kept. */
	synchronized int size() {
		return this.values.size();
	}

	private void clear() {
		this.values.clear();
		this.bytes = 0;
		this.sequence = -1;
	}

	private static long cost(byte[] key, byte[] value) {
		return ENTRY_OVERHEAD + key.length + value.length; // DELETED: no value bytes
	}

	@Override
	public synchronized String toString() {
		return "KnownWrites[" + ((this.sequence < 0) ? "none" : this.values.size() + " keys at " + this.sequence) + "]";
	}

}
