package io.levelmutex.reliability.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.FlushEvent;
import io.levelmutex.MutexListener;
import io.levelmutex.RemoteChangeEvent;

/**
 * What one node's mutex was told of its keyspace's sequences, in the order it was told: its own batches that
 * committed something ({@code onFlushed}, on the cycle thread), the batches whose outcome it could not resolve
 * (failed with {@link CommitOutcomeUnknownException}: committed or not), and the ranges other nodes committed
 * ({@code onRemoteChange}, on the engine's listener thread). Checks as it goes that its own sequences rise, and
 * that remote ranges are well formed, each above the last one delivered, and delivered on the listener's thread.
 * Guarded by this; read by the test thread.
 */
final class DeliveryRecorder implements MutexListener {

	/** The engine's listener threads are named after this. */
	static final String LISTENER_THREAD = "level-mutex-pg-listener-";

	private final String name;

	/** Sequence to how many times a remote range held it. */
	private final TreeMap<Long, Integer> delivered = new TreeMap<>();

	private final List<long[]> ranges = new ArrayList<>();

	private final Set<Long> own = new TreeSet<>();

	private final Set<UUID> unknownBatches = new TreeSet<>();

	private final List<String> violations = new ArrayList<>();

	private long lastOwn;

	private long lastRemote;

	DeliveryRecorder(String name) {
		this.name = name;
	}

	@Override
	public synchronized void onFlushed(FlushEvent event) {
		if (event.succeeded()) {
			if (event.size() > 0) {
				if (event.sequence() <= this.lastOwn) {
					this.violations.add(this.name + ": own batch " + event.sequence() + " after " + this.lastOwn);
				}
				this.lastOwn = event.sequence();
				this.own.add(event.sequence());
			}
			return;
		}
		Throwable error = event.failure().orElseThrow();
		if (error instanceof CommitOutcomeUnknownException) {
			UUID batch = ModelOp.batchId(error);
			if (batch == null) {
				this.violations.add(this.name + ": an outcome-unknown batch whose message names no batch id: " + error);
			}
			else {
				this.unknownBatches.add(batch);
			}
		}
	}

	@Override
	public synchronized void onRemoteChange(RemoteChangeEvent event) {
		String thread = Thread.currentThread().getName();
		if (!thread.startsWith(LISTENER_THREAD)) {
			this.violations.add(this.name + ": remote change " + range(event) + " delivered on thread " + thread);
		}
		if (event.fromSequence() < 1 || event.toSequence() < event.fromSequence()) {
			this.violations.add(this.name + ": malformed remote range " + range(event));
		}
		if (event.fromSequence() <= this.lastRemote) {
			this.violations.add(this.name + ": remote range " + range(event) + " not above the last one delivered, "
					+ this.lastRemote);
		}
		this.lastRemote = Math.max(this.lastRemote, event.toSequence());
		this.ranges.add(new long[] { event.fromSequence(), event.toSequence() });
		for (long sequence = event.fromSequence(); sequence <= event.toSequence(); sequence++) {
			this.delivered.merge(sequence, 1, Integer::sum);
		}
	}

	private static String range(RemoteChangeEvent event) {
		return event.fromSequence() + ".." + event.toSequence();
	}

	/** The sequences of its own batches it was told committed. */
	synchronized Set<Long> own() {
		return new TreeSet<>(this.own);
	}

	/** Batches whose outcome it was told is unknown. */
	synchronized Set<UUID> unknownBatches() {
		return new TreeSet<>(this.unknownBatches);
	}

	/** Remote sequences delivered, each with how many times. */
	synchronized TreeMap<Long, Integer> delivered() {
		return new TreeMap<>(this.delivered);
	}

	synchronized int deliveredCount() {
		return this.delivered.size();
	}

	synchronized int ranges() {
		return this.ranges.size();
	}

	synchronized List<String> violations() {
		return new ArrayList<>(this.violations);
	}

}
