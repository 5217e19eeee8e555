package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

import org.jspecify.annotations.Nullable;

/**
 * Records what a mutex did, as its events show it: every batch's writes in order with its
 * outcome, and the number of read phases. As the store's {@link BatchInterceptor} it fails
 * the batches a predicate chooses (by the batch's number, counting from 1). Used by the
 * cycle thread; the test reads it once the cycle is idle.
 */
final class BatchRecorder implements BatchInterceptor, MutexListener {

	/** One written (or failed) batch. */
	static final class Batch {

		final int index;

		final List<ModelWrite> writes;

		@Nullable Throwable error;

		Batch(int index, List<ModelWrite> writes) {
			this.index = index;
			this.writes = writes;
		}

		@Override
		public String toString() {
			return "batch " + (this.index + 1) + this.writes + ((this.error != null) ? " failed" : "");
		}

	}

	/** Owned by the cycle thread. */
	final List<Batch> batches = new ArrayList<>();

	private final LongPredicate failing;

	/** Owned by the cycle thread, read by callbacks on it. */
	private volatile long readPhases;

	private int intercepted;

	BatchRecorder(LongPredicate failing) {
		this.failing = failing;
	}

	@Override
	public void beforeBatch(String mutexName, List<WriteOperation> operations) {
		this.intercepted++;
		if (this.failing.test(this.intercepted)) {
			throw new IllegalStateException("injected failure of batch " + this.intercepted);
		}
	}

	@Override
	public void onReads(ReadPhaseEvent event) {
		this.readPhases++;
	}

	@Override
	public void onWrites(WriteBatchEvent event) {
		List<ModelWrite> writes = new ArrayList<>();
		event.operations().forEach((op) -> writes.add(ModelWrite.of(op)));
		this.batches.add(new Batch(this.batches.size(), writes));
	}

	@Override
	public void onFlushed(FlushEvent event) {
		this.batches.get(this.batches.size() - 1).error = event.error();
	}

	long readPhases() {
		return this.readPhases;
	}

}
