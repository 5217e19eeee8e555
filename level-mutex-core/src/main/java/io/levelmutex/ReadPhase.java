package io.levelmutex;

import java.util.ArrayList;
import java.util.List;

import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

/**
 * Runs read phases: every read drained from the queue is planned first (each read adds itself,
 * {@link QueuedRead#plan(ReadPhase)}: gets as the plan's keys, range reads as its scans, in issue order), the engine
 * answers the whole plan at once on one consistent state ({@link KeyspaceStorage#read(ReadPlan)}: on PostgreSQL one
 * statement), then every result is delivered in issue order. If the engine cannot answer, every read of the phase
 * fails with the same typed exception. One per mutex, reused by each of its read phases ({@link #start(long)});
 * used only on the cycle thread.
 */
final class ReadPhase {

	private final MutexCore core;

	/** The running phase's number; cycle thread. */
	private long number;

	/** The running phase's gets and their keys, index for index (empty between phases); cycle thread. */
	private ArrayList<GetRead<?>> gets = new ArrayList<>();

	private ArrayList<byte[]> keys = new ArrayList<>();

	/** The running phase's range reads that can find something, and their scans, index for index; cycle thread. */
	private ArrayList<RangeRead<?, ?, ?>> ranges = new ArrayList<>();

	private ArrayList<ReadPlan.Scan> scans = new ArrayList<>();

	ReadPhase(MutexCore core) {
		this.core = core;
	}

	/** Begins the phase with the given number. */
	ReadPhase start(long phaseNumber) {
		this.number = phaseNumber;
		return this;
	}

	/** A get of the running phase, planned as the plan's next key. */
	void plan(GetRead<?> get) {
		this.gets.add(get);
		this.keys.add(get.storedKey);
	}

	/** A range read of the running phase, planned as the plan's next scan. */
	void plan(RangeRead<?, ?, ?> range, ReadPlan.Scan scan) {
		this.ranges.add(range);
		this.scans.add(scan);
	}

	/**
	 * Runs every read with one {@link KeyspaceStorage#read(ReadPlan)}.
	 * @return {@code false} if the engine could not answer, in which case every read was failed and nothing is
	 * to be delivered
	 */
	boolean execute(List<QueuedRead> reads, KeyspaceStorage storage) {
		try {
			for (QueuedRead read : reads) {
				read.plan(this);
			}
			if (this.gets.isEmpty() && this.ranges.isEmpty()) {
				return true; // only empty ranges: nothing to ask the engine
			}
			ReadPlan plan = new ReadPlan(this.keys, this.scans);
			ReadResult result = storage.read(plan);
			result.checkAnswers(plan);
			for (int i = 0; i < this.gets.size(); i++) {
				this.gets.get(i).result(result.values().get(i));
			}
			List<List<KeyValue>> found = result.scans();
			for (int i = 0; i < this.ranges.size(); i++) {
				this.ranges.get(i).result(found.get(i));
			}
		}
		catch (Throwable ex) { // an Error from RocksDB's side too: every read fails, typed
			StorageException failure = readFailure(ex);
			for (QueuedRead read : reads) {
				read.fail(failure);
			}
			return false;
		}
		finally {
			release();
		}
		return true;
	}

	/** Delivers every result, in issue order, outside the store's guard. */
	void deliver(List<QueuedRead> reads) {
		for (QueuedRead read : reads) {
			read.deliver();
		}
	}

	/** Empties the plan's lists for the next phase (they hold no finished read). */
	private void release() {
		this.gets = ReusedLists.emptied(this.gets);
		this.keys = ReusedLists.emptied(this.keys);
		this.ranges = ReusedLists.emptied(this.ranges);
		this.scans = ReusedLists.emptied(this.scans);
	}

	long number() {
		return this.number;
	}

	StorageException readFailure(Throwable cause) {
		String message = "Read phase " + this.number + " of mutex '" + this.core.name() + "' failed: "
				+ cause.getMessage();
		if (cause instanceof StorageUnavailableException) {
			return new StorageUnavailableException(message, cause);
		}
		return new StorageException(message, cause);
	}

}
