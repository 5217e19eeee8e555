package io.levelmutex.rocksdb;

import java.io.Serial;
import java.nio.file.Path;

import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import io.levelmutex.StorageException;

/**
 * {@link RocksStore.Builder#open()} failed because another open store holds the directory's lock,
 * in this process or another: RocksDB allows one open per directory.
 */
public class StoreLockedException extends StorageException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient Path path;

	/**
	 * Creates an exception.
	 * @param path the store's directory
	 * @param cause RocksDB's failure to take the lock
	 */
	public StoreLockedException(Path path, Throwable cause) {
		super("Store directory " + path + " is locked by another open store (in this process or another):"
				+ " only one store may open a directory at a time", cause);
		this.path = path;
	}

	/** @return the store's directory */
	public Path path() {
		return this.path;
	}

	/** Whether RocksDB failed to open because the directory's LOCK file is held. */
	static boolean isLockFailure(RocksDBException ex) {
		Status status = ex.getStatus();
		String message = String.valueOf(ex.getMessage());
		return (status == null || status.getCode() == Status.Code.IOError) && message.contains("LOCK")
				&& (message.contains("lock hold") || message.contains("No locks available")
						|| message.contains("Resource temporarily unavailable"));
	}

}
