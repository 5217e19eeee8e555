package io.levelmutex.reliability.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import io.levelmutex.FlushEvent;
import io.levelmutex.MutexListener;
import io.levelmutex.RemoteChangeEvent;

/**
 * What one node learned of a keyspace's sequences: those of its own batches that committed something (from
 * {@code onFlushed}) and the ranges other nodes committed (from {@code onRemoteChange}). Called on the
 * mutex's cycle threads and the engine's notification thread; read by the test thread; guarded by this.
 */
final class SequenceWatcher implements MutexListener {

	/** Sequence to how many times it was reported (own or remote); guarded by this. */
	private final TreeMap<Long, Integer> seen = new TreeMap<>();

	/** Remote ranges as reported; guarded by this. */
	private final List<long[]> ranges = new ArrayList<>();

	/** Own batches reported; guarded by this. */
	private long own;

	@Override
	public synchronized void onFlushed(FlushEvent event) {
		// A batch that applied nothing (its first update rejected) committed nothing: it carries the
		// keyspace's current sequence, not one of its own.
		if (event.succeeded() && event.size() > 0) {
			this.own++;
			this.seen.merge(event.sequence(), 1, Integer::sum);
		}
	}

	@Override
	public synchronized void onRemoteChange(RemoteChangeEvent event) {
		this.ranges.add(new long[] { event.fromSequence(), event.toSequence() });
		for (long sequence = event.fromSequence(); sequence <= event.toSequence(); sequence++) {
			this.seen.merge(sequence, 1, Integer::sum);
		}
	}

	/** Whether every sequence from 1 to {@code last} was reported at least once. */
	synchronized boolean covers(long last) {
		return this.seen.headMap(last, true).size() == last && (last == 0 || this.seen.firstKey() == 1);
	}

	/**
	 * What is wrong with the coverage of 1 to {@code last}: sequences missing, reported twice, or out of range.
	 * @return empty when each sequence was reported exactly once
	 */
	synchronized List<String> problems(long last) {
		List<String> out = new ArrayList<>();
		for (long sequence = 1; sequence <= last; sequence++) {
			int times = this.seen.getOrDefault(sequence, 0);
			if (times != 1) {
				out.add("sequence " + sequence + " reported " + times + " times");
			}
		}
		this.seen.tailMap(last, false).keySet().forEach((sequence) -> out.add("sequence " + sequence + " beyond " + last));
		this.seen.headMap(1L, false).keySet().forEach((sequence) -> out.add("sequence " + sequence + " below 1"));
		return out;
	}

	synchronized long ownBatches() {
		return this.own;
	}

	synchronized int remoteRanges() {
		return this.ranges.size();
	}

}
