package io.levelmutex;

import java.util.ArrayList;
import java.util.List;

import org.rocksdb.ColumnFamilyHandle;

/**
 * One read phase: runs every read drained from the queue on one snapshot (gets together
 * with one multiGet, then peeks and update functions in issue order), releases the snapshot,
 * then delivers every result in issue order. Used only on the cycle thread.
 */
final class ReadPhase {

	private final MutexCore core;

	private final long number;

	private final long snapshotBatch;

	private final PhaseOverlay overlay = new PhaseOverlay();

	private SnapshotReader reader;

	private int unitOrder;

	ReadPhase(MutexCore core, long number, long snapshotBatch) {
		this.core = core;
		this.number = number;
		this.snapshotBatch = snapshotBatch;
	}

	/**
	 * Runs every read on one snapshot.
	 * @return {@code false} if the snapshot could not be had, in which case every read was
	 * failed and nothing is to be delivered
	 */
	boolean execute(List<ReadOp> reads, RocksAccess access, ColumnFamilyHandle family) {
		try (SnapshotReader snapshot = new SnapshotReader(access, family)) {
			this.reader = snapshot;
			executeGets(reads);
			for (ReadOp read : reads) {
				read.execute(this);
			}
		}
		catch (RuntimeException ex) {
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
			List<byte[]> values = this.reader.multiGet(keys);
			for (int i = 0; i < gets.size(); i++) {
				gets.get(i).result(values.get(i), null);
			}
		}
		catch (Exception ex) {
			StorageException failure = readFailure(ex);
			for (GetRead<?> get : gets) {
				get.result(null, failure);
			}
		}
	}

	SnapshotReader reader() {
		return this.reader;
	}

	PhaseOverlay overlay() {
		return this.overlay;
	}

	long number() {
		return this.number;
	}

	long snapshotBatch() {
		return this.snapshotBatch;
	}

	int nextUnitOrder() {
		return this.unitOrder++;
	}

	StorageException readFailure(Exception cause) {
		if (cause instanceof StorageException storage) {
			return storage;
		}
		return new StorageException("Read phase " + this.number + " of mutex '" + this.core.name() + "' failed: "
				+ cause.getMessage(), cause);
	}

}
