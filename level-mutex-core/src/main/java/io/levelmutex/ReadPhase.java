package io.levelmutex;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeyspaceStorage;

/**
 * Runs read phases: every read drained from the queue on one snapshot (gets together
 * with one multiGet, then range reads in issue order), releases the snapshot, then delivers
 * every result in issue order. One per mutex, reused by each of its read phases
 * ({@link #start(long)}); used only on the cycle thread.
 */
final class ReadPhase {

	private final MutexCore core;

	/** The running phase's number; cycle thread. */
	private long number;

	/** The running phase's snapshot, while it executes; cycle thread. */
	private @Nullable SnapshotReader reader;

	/** The running phase's gets (empty between phases); cycle thread. */
	private ArrayList<GetRead<?>> gets = new ArrayList<>();

	ReadPhase(MutexCore core) {
		this.core = core;
	}

	/** Begins the phase with the given number. */
	ReadPhase start(long phaseNumber) {
		this.number = phaseNumber;
		return this;
	}

	/**
	 * Runs every read on one snapshot.
	 * @return {@code false} if the snapshot could not be had or read, in which case every
	 * read was failed and nothing is to be delivered
	 */
	boolean execute(List<ReadOp> reads, KeyspaceStorage storage) {
		try (SnapshotReader snapshot = new SnapshotReader(storage)) {
			this.reader = snapshot;
			executeGets(reads);
			for (ReadOp read : reads) {
				read.execute(this);
			}
		}
		catch (Throwable ex) {
			StorageException failure = readFailure(ex);
			for (ReadOp read : reads) {
				read.fail(failure);
			}
			return false;
		}
		finally {
			this.reader = null;
		}
		return true;
	}

	/** Delivers every result, in issue order, outside the store's guard. */
	void deliver(List<ReadOp> reads) {
		for (ReadOp read : reads) {
			read.deliver();
		}
	}

	private void executeGets(List<ReadOp> reads) {
		ArrayList<GetRead<?>> gets = this.gets;
		try {
			for (ReadOp read : reads) {
				if (read instanceof GetRead<?> get) {
					gets.add(get);
				}
			}
			if (gets.isEmpty()) {
				return;
			}
			// a new list for the engine, sized exactly: the engine SPI does not say it leaves the list alone
			List<byte[]> keys = new ArrayList<>(gets.size());
			for (GetRead<?> get : gets) {
				keys.add(get.storedKey);
			}
			try {
				List<byte @Nullable []> values = reader().multiGet(keys);
				for (int i = 0; i < gets.size(); i++) {
					gets.get(i).result(values.get(i), null);
				}
			}
			catch (Throwable ex) {
				StorageException failure = readFailure(ex);
				for (GetRead<?> get : gets) {
					get.result(null, failure);
				}
			}
		}
		finally {
			releaseGets();
		}
	}

	/** Empties the get list for the next phase (it holds no finished read). */
	private void releaseGets() {
		this.gets = ReusedLists.emptied(this.gets);
	}

	/** The running phase's snapshot; only while the phase executes. */
	SnapshotReader reader() {
		SnapshotReader current = this.reader;
		if (current == null) {
			throw new IllegalStateException("Read phase " + this.number + " of mutex '" + this.core.name()
					+ "' is not executing");
		}
		return current;
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
