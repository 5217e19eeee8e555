package io.levelmutex;

import java.util.List;

/**
 * Called on the cycle thread just before a batch is written, after the {@code writes} event.
 * Throwing vetoes the batch: it fails exactly as if RocksDB had failed it (every write in it
 * completes exceptionally with a {@link StorageException} whose cause is the thrown exception,
 * nothing is applied, and the mutex keeps cycling). Use it for read-only or maintenance modes,
 * quotas, auditing, and fault injection in tests.
 */
@FunctionalInterface
public interface BatchInterceptor {

	/**
	 * Inspects a batch before it is written.
	 * @param mutexName the mutex writing the batch
	 * @param operations its writes, in order (unmodifiable)
	 * @throws Exception to fail the batch
	 */
	void beforeBatch(String mutexName, List<WriteOperation> operations) throws Exception;

}
