package io.levelmutex;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeyspaceStorage;

/**
 * One read phase: runs every read drained from the queue on one snapshot (gets together
 * with one multiGet, then range reads in issue order), releases the snapshot, then delivers
 * every result in issue order. Used only on the cycle thread.
 */
final class ReadPhase {

	private final MutexCore core;

	private final long number;

	private SnapshotReader reader;

	ReadPhase(MutexCore core, long number) {
		this.core = core;
		this.number = number;
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
		return true;
	}

	/** Delivers every result, in issue order, outside the store's guard. */
	void deliver(List<ReadOp> reads) {
		for (ReadOp read : reads) {
			read.deliver();
		}
	}

	private void executeGets(List<ReadOp> reads) {
		List<GetRead<?>> gets = null;
		for (ReadOp read : reads) {
			if (read instanceof GetRead<?> get) {
				if (gets == null) {
					gets = new ArrayList<>();
				}
				gets.add(get);
			}
		}
		if (gets == null) {
			return;
		}
		List<byte[]> keys = new ArrayList<>(gets.size());
		for (GetRead<?> get : gets) {
			keys.add(get.storedKey);
		}
		try {
			List<byte @Nullable []> values = this.reader.multiGet(keys);
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

	SnapshotReader reader() {
		return this.reader;
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
