package io.levelmutex.engine;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One consistent, read-only state of a keyspace: every read sees the state after the batch numbered
 * {@link #sequence()}, and nothing committed later. Keys include the keyspace's
 * {@link KeyspaceStorage#keyPrefix()}. Used by one thread; closed by its user. The core uses it for the default
 * {@link KeyspaceStorage#read(ReadPlan)} and, on engines that do not {@link KeyspaceStorage#batchesUpdateReads()},
 * for the reads of a batch's update functions.
 */
public interface ReadSnapshot extends AutoCloseable {

	/**
	 * The sequence of the last batch committed to the keyspace that this snapshot sees (0 when none): the
	 * point update validation measures "since" from.
	 * @return the sequence
	 */
	long sequence();

	/**
	 * Point reads, all in one call.
	 * @param keys the keys; duplicates allowed (each is answered)
	 * @return one value per key, in the keys' order, {@code null} where a key has none; the arrays are the
	 * caller's
	 * @throws io.levelmutex.StorageException if the read failed
	 */
	List<byte @Nullable []> multiGet(List<byte[]> keys);

	/**
	 * One point read.
	 * @param key the key
	 * @return the value, or {@code null}
	 * @throws io.levelmutex.StorageException if the read failed
	 */
	byte @Nullable [] get(byte[] key);

	/**
	 * Up to {@code limit} entries of a span (keys {@code lower <= key < upper}), in ascending key order (unsigned
	 * lexicographic) or descending. An empty or inverted span gives no entry.
	 * @param span the keys that may be returned
	 * @param limit the most entries to return, at least 1
	 * @param ascending ascending from {@code lower}, or descending from below {@code upper}
	 * @return the entries; the list and the arrays are the caller's
	 * @throws io.levelmutex.StorageException if the read failed
	 */
	List<KeyValue> scan(KeySpan span, int limit, boolean ascending);

	/** Releases the snapshot; never throws. */
	@Override
	void close();

}
