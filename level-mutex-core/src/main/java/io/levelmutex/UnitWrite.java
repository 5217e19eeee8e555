package io.levelmutex;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The writes of one conditional write, committed together or not at all, with what it read
 * so that the write phase can detect conflicts.
 */
final class UnitWrite<R> extends WriteItem {

	enum Status {

		/** Waiting in the write queue. */
		QUEUED,

		/** Placed in the batch being written. */
		ACCEPTED,

		/** Its batch was written. */
		COMMITTED,

		/** Refused for a conflict, or its batch failed. */
		REJECTED

	}

	final UpdateRead<?, ?, R> origin;

	final List<WriteOperation> operations;

	final UnitFootprint footprint;

	final @Nullable R result;

	/** The read phase the function ran in, and its position among the phase's updates. */
	final long phase;

	final int order;

	/** The number of the last batch attempted before the phase's snapshot was taken. */
	final long snapshotBatch;

	private final long bytes;

	/** Owned by the cycle thread. */
	Status status = Status.QUEUED;

	UnitWrite(UpdateRead<?, ?, R> origin, List<WriteOperation> operations, UnitFootprint footprint,
			@Nullable R result, long phase, int order, long snapshotBatch) {
		this.origin = origin;
		this.operations = operations;
		this.footprint = footprint;
		this.result = result;
		this.phase = phase;
		this.order = order;
		this.snapshotBatch = snapshotBatch;
		long total = 0;
		for (WriteOperation op : operations) {
			total += op.size();
		}
		this.bytes = total;
	}

	/** Whether this unit's function saw the writes of {@code writer}. */
	boolean saw(@Nullable UnitWrite<?> writer, long writerBatch) {
		if (writerBatch <= this.snapshotBatch) {
			return true;
		}
		return writer != null && writer.phase == this.phase && writer.order < this.order;
	}

	@Override
	int operationCount() {
		return this.operations.size();
	}

	@Override
	long bytes() {
		return this.bytes;
	}

}
