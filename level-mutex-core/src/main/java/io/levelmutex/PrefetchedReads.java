package io.levelmutex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;
import io.levelmutex.engine.ReadSnapshot;

/**
 * The snapshot the update functions of one batch read on an engine that {@link KeyspaceStorage#batchesUpdateReads()}:
 * the answers of the batch's prefetches ({@link #fetch(ReadPlan)}, one {@link KeyspaceStorage#readForUpdates} each,
 * planned by {@link ReadPrediction}), and, for a read no prefetch answered, a read of its own (a fallback), whose
 * answer is kept so that the batch's functions read that key or range the same way from then on. Owned by the cycle
 * thread building the batch; lives for that batch.
 *
 * <p><b>Why a fallback read cannot make an invalid update commit.</b> {@link #sequence()} is the sequence of the
 * batch's FIRST prefetch, S; it is what every update of the batch records as its snapshot sequence
 * ({@link io.levelmutex.engine.UpdateFootprint#snapshotSequence()}). Every answer held here (later prefetches and
 * fallbacks included) was read at a state S' at least as new as S (the engine answers committed state, never older
 * than an earlier answer's: {@link KeyspaceStorage#readForUpdates}), and this node commits nothing to the keyspace
 * while the batch is built (batches of a mutex are sequential and S includes the previous one: it committed before
 * S was read, or S is that batch's own state, answered from what it wrote). So an answer read at S' differs from
 * the state at S only in keys that some other writer wrote in (S, S']. The commit rejects the update if another
 * writer wrote, after S, any key it read or any key in a span its peeks depended on (footprints are measured from
 * S, whatever state the answer came from). Hence a committed update read nothing that changed after S up to its
 * commit: each of its answers equals the state at S and at the commit, i.e. it ran on one consistent state, as if
 * every read had been on one snapshot. At worst a fallback makes an update that read a newer value be rejected and
 * run again (it can never be accepted wrongly); on an engine without other writers nothing changes between S and
 * S', and every answer is of one state anyway.
 */
final class PrefetchedReads implements ReadSnapshot {

	/** A key's answer: its value, or {@code null} for none. */
	private record Known(byte @Nullable [] value) {
	}

	/** A scan's identity: its bounds and direction. */
	private record ScanKey(ByteKey lower, @Nullable ByteKey upper, boolean ascending) {
	}

	/** A scan's answer: what it found with the limit it was asked with. */
	private record Found(int limit, List<KeyValue> entries) {

		/** Whether this answer also answers the same scan with {@code wanted} as its limit. */
		boolean answers(int wanted) {
			return wanted <= this.limit || this.entries.size() < this.limit; // fewer than asked: the range ended
		}

	}

	private final KeyspaceStorage storage;

	private final HashMap<ByteKey, Known> values = new HashMap<>();

	private final HashMap<ScanKey, Found> scans = new HashMap<>();

	/** The first prefetch's sequence, or -1 before it; cycle thread. */
	private long sequence = -1;

	/** Engine reads made so far: prefetches and fallbacks; cycle thread. */
	private int prefetches;

	private int fallbacks;

	PrefetchedReads(KeyspaceStorage storage) {
		this.storage = storage;
	}

	/**
	 * Reads a plan with one engine call and keeps its answers (an answer already held stays: the batch's functions
	 * may have read it).
	 * @throws StorageException if the engine could not answer
	 */
	void fetch(ReadPlan plan) {
		ReadResult result = this.storage.readForUpdates(plan);
		result.checkAnswers(plan);
		this.prefetches++;
		if (this.sequence < 0) {
			this.sequence = result.sequence();
		}
		keep(plan, result);
	}

	private void keep(ReadPlan plan, ReadResult result) {
		for (int i = 0; i < plan.keys().size(); i++) {
			this.values.putIfAbsent(new ByteKey(plan.keys().get(i)), new Known(result.values().get(i)));
		}
		for (int i = 0; i < plan.scans().size(); i++) {
			ReadPlan.Scan scan = plan.scans().get(i);
			ScanKey key = key(scan.span(), scan.ascending());
			Found held = this.scans.get(key);
			if (held == null || !held.answers(scan.limit())) {
				this.scans.put(key, new Found(scan.limit(), result.scans().get(i)));
			}
		}
	}

	/** Whether a prefetch was made (so {@link #sequence()} is known). */
	boolean fetched() {
		return this.sequence >= 0;
	}

	/** The engine reads made for this batch: prefetches, then fallbacks. */
	int prefetches() {
		return this.prefetches;
	}

	int fallbacks() {
		return this.fallbacks;
	}

	/** @return the sequence of the batch's first prefetch: the snapshot sequence of every update of the batch */
	@Override
	public long sequence() {
		if (this.sequence < 0) {
			throw new IllegalStateException("no prefetch was made");
		}
		return this.sequence;
	}

	@Override
	public List<byte @Nullable []> multiGet(List<byte[]> keys) {
		List<byte @Nullable []> values = new ArrayList<>(keys.size());
		for (byte[] key : keys) {
			values.add(get(key));
		}
		return values;
	}

	@Override
	public byte @Nullable [] get(byte[] key) {
		ByteKey known = new ByteKey(key);
		Known answer = this.values.get(known);
		if (answer == null) {
			ReadPlan plan = ReadPlan.get(key);
			ReadResult result = fallback(plan);
			answer = new Known(result.values().get(0));
			this.values.put(known, answer);
		}
		return answer.value();
	}

	@Override
	public List<KeyValue> scan(KeySpan span, int limit, boolean ascending) {
		ScanKey key = key(span, ascending);
		Found found = this.scans.get(key);
		if (found == null || !found.answers(limit)) {
			ReadPlan.Scan scan = new ReadPlan.Scan(span, limit, ascending);
			ReadResult result = fallback(ReadPlan.scan(scan));
			found = new Found(limit, result.scans().get(0));
			this.scans.put(key, found);
		}
		List<KeyValue> entries = found.entries();
		return new ArrayList<>(entries.subList(0, Math.min(limit, entries.size())));
	}

	private ReadResult fallback(ReadPlan plan) {
		ReadResult result = this.storage.readForUpdates(plan);
		result.checkAnswers(plan);
		this.fallbacks++;
		return result;
	}

	private static ScanKey key(KeySpan span, boolean ascending) {
		byte @Nullable [] upper = span.upper();
		return new ScanKey(new ByteKey(span.lower()), (upper != null) ? new ByteKey(upper) : null, ascending);
	}

	/** Holds nothing of the engine's. */
	@Override
	public void close() {
	}

}
