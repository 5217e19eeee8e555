package io.levelmutex;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadSnapshot;

/**
 * Learns which reads the update functions ahead in a batch will make, so that {@link PrefetchedReads} can fetch
 * them all with one engine call: runs each update's function once, in issue order, on a recording snapshot that
 * answers every read with "nothing" (and records it), merged with an overlay of the writes placed before it (the
 * batch's placed operations, the plain writes ahead and the writes of the functions run before it here), exactly as
 * the real run will merge its own overlay. The writes and result of this run are thrown away, and so is whatever
 * it throws: only its reads are kept. A read the real run makes that this run did not predict (a key chosen from a
 * value read, say) is read later on its own. Functions may run more than once (README, "Conditional writes"): this
 * is one more run per batch, on the cycle thread like the real one. Stops where the batch would be full, and marks
 * each update it ran ({@link UpdateWrite#predictedFor}). Used once per prediction, on the cycle thread.
 */
final class ReadPrediction {

	private final MutexCore core;

	private final long batch;

	private final int maxOperations;

	private final long maxBytes;

	private final Recorder recorder = new Recorder();

	private final BatchOverlay overlay = new BatchOverlay();

	private int operations;

	private long bytes;

	ReadPrediction(MutexCore core, long batch, int maxOperations, long maxBytes) {
		this.core = core;
		this.batch = batch;
		this.maxOperations = maxOperations;
		this.maxBytes = maxBytes;
	}

	/**
	 * The reads of the updates among {@code ahead} (the items in issue order, from the update the batch reached),
	 * as one plan.
	 * @param placed the operations already placed in the batch
	 */
	ReadPlan predict(List<WriteOperation> placed, Iterator<QueuedWrite> ahead) {
		for (WriteOperation op : placed) {
			place(op);
		}
		try (SnapshotReader reader = new SnapshotReader(this.recorder)) {
			while (ahead.hasNext()) {
				QueuedWrite item = ahead.next();
				if (item instanceof UpdateWrite<?, ?, ?> update) {
					if (full()) {
						break;
					}
					if (!run(update, reader)) {
						break;
					}
				}
				else if (item instanceof PlainWrite plain) {
					if (!fits(1, plain.bytes())) {
						break;
					}
					place(plain.operation);
				}
			}
		}
		return this.recorder.plan();
	}

	/** Runs one function on the recording snapshot; {@code false} if its writes would not fit the batch. */
	private <K, V, R> boolean run(UpdateWrite<K, V, R> update, SnapshotReader reader) {
		update.predictedFor = this.batch;
		SnapshotUpdateContext<K, V> context = new SnapshotUpdateContext<>(this.core, this.batch, reader, this.overlay,
				update.keyCodec, update.valueCodec, update.attempt());
		try {
			update.function.apply(context);
		}
		catch (Throwable ex) {
			return true; // its reads so far are recorded; the real run fails it, or reads what it reads then
		}
		finally {
			context.end();
		}
		List<WriteOperation> writes = context.writes();
		long size = 0;
		for (WriteOperation op : writes) {
			size += op.size();
		}
		if (!fits(writes.size(), size)) {
			return false;
		}
		for (WriteOperation op : writes) {
			place(op);
		}
		return true;
	}

	private void place(WriteOperation op) {
		this.overlay.record(op);
		this.operations++;
		this.bytes += op.size();
	}

	/** As {@link BatchBuilder}'s rule: anything fits an empty batch. */
	private boolean fits(int count, long size) {
		return this.operations == 0
				|| (this.operations + count <= this.maxOperations && this.bytes + size <= this.maxBytes);
	}

	private boolean full() {
		return this.operations > 0 && (this.operations >= this.maxOperations || this.bytes >= this.maxBytes);
	}

	/** A snapshot with nothing in it that records every read asked of it, each key and scan once. */
	private static final class Recorder implements ReadSnapshot {

		private final LinkedHashSet<ByteKey> keys = new LinkedHashSet<>();

		/** Each scan (bounds and direction) with the largest limit asked. */
		private final LinkedHashMap<List<Object>, ReadPlan.Scan> scans = new LinkedHashMap<>();

		ReadPlan plan() {
			List<byte[]> planned = new ArrayList<>(this.keys.size());
			for (ByteKey key : this.keys) {
				planned.add(key.bytes);
			}
			return new ReadPlan(planned, new ArrayList<>(this.scans.values()));
		}

		@Override
		public long sequence() {
			return 0;
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
			this.keys.add(new ByteKey(key));
			return null;
		}

		@Override
		public List<KeyValue> scan(KeySpan span, int limit, boolean ascending) {
			byte @Nullable [] upper = span.upper();
			List<Object> id = List.of(new ByteKey(span.lower()), (upper != null) ? new ByteKey(upper) : "end", ascending);
			ReadPlan.Scan held = this.scans.get(id);
			if (held == null || held.limit() < limit) {
				this.scans.put(id, new ReadPlan.Scan(span, limit, ascending));
			}
			return List.of();
		}

		@Override
		public void close() {
		}

	}

}
