package io.levelmutex;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.Optional;

import io.levelmutex.codec.Codec;

/**
 * A blocking view of a {@link Mutex}, for code that waits for each operation anyway (a servlet-style request
 * thread, a batch job): each method queues the operation the {@link Mutex} method of the same name queues, waits
 * for its outcome, and returns the value or throws the failure its future would complete with. Get one with
 * {@link Mutex#blocking()}; the view shares the mutex's queue, cycle, codecs, listeners and lifecycle.
 *
 * <h2>Ordering</h2>
 * A blocking call is its {@link Mutex} call followed by a wait: the operation takes its place in the mutex's one
 * queue in the order it was issued, among the operations of every other caller, blocking or not, and runs in the
 * same cycle with the same guarantees ({@link Mutex}'s class comment): writes, updates and {@code afterWrite}
 * barriers are applied and completed in issue order, reads delivered in issue order, an update sees every write
 * issued before it and none after. When a blocking call returns, its operation has completed: a write returns
 * once its batch is written (durably, if the mutex is durable).
 *
 * <h2>Where the cycle runs</h2>
 * A blocking write ({@link #put}, {@link #del}, {@link #update}, {@link #afterWrite}) that finds its mutex idle
 * on the store's own cycle pool, with nothing else queued and the mutex's last batch holding one write (a lone
 * writer), runs the cycle on the calling thread instead of handing it to a pool thread and waiting to be woken:
 * no pool thread is involved unless the engine answers the commit later (the embedded engine's group commit: the
 * rest of that cycle then goes on on the pool while the caller waits). That cycle is the mutex's one cycle, with
 * the same order, events and guarantees; other callers' completion callbacks, the mutex's listeners and update
 * functions that run in it run on the calling thread and see its thread-locals. Otherwise (writers racing, a
 * busy mutex, a mutex given its own {@link MutexOptions.Builder#executor executor}, a calling thread that is
 * interrupted) the write is queued as {@link Mutex} queues it and the call waits as {@code join()} does (which
 * may still run a cycle: see the README's "Guarantees"). Reads always wait for the cycle the pool runs. The
 * system property {@code io.levelmutex.joinRunsCycle=false} keeps every cycle on the pool.
 *
 * <h2>Failures</h2>
 * Each method throws, queuing nothing, what its {@link Mutex} method throws at the call
 * ({@link InvalidInputException}, {@link MutexClosedException}, {@link MutexOverloadedException}). Once queued,
 * the operation's failure is thrown as its future would complete with it, never wrapped in a
 * {@code CompletionException}: a failed batch throws its {@link StorageException} (a
 * {@link CommitOutcomeUnknownException} when the engine cannot tell whether it was applied), an update rejected
 * {@code maxAttempts} times {@link WriteConflictException}, an operation of a mutex closed before it ran or
 * abandoned by its close {@link MutexClosedException}, a cycle the executor refused {@link CycleRejectedException},
 * a value the codec cannot decode the codec's exception. An update function's unchecked exception is thrown as
 * is; a checked one, wrapped in an {@link UndeclaredThrowableException} whose cause it is. The exception is the
 * instance the operation failed with (every write of a failed batch throws the same {@link StorageException}), so
 * its stack trace shows where it was made, in the cycle.
 *
 * <h2>Cycle threads and interrupts</h2>
 * Called on a thread that is running a cycle of any mutex (a completion callback on the completing thread, a
 * listener, an update function), every method throws {@link IllegalStateException} naming the mutex, queuing
 * nothing, whether or not the operation could have completed at once: the wait would deadlock the cycle. Use the
 * {@link Mutex} futures there and chain the next step.
 *
 * <p>The calls are not interruptible, like {@code CompletableFuture.join()}: an interrupt cannot take back an
 * operation already queued (a write may still be applied), so the call waits for its outcome and returns or
 * throws it with the thread's interrupt status still set. A thread interrupted when it calls never runs a cycle
 * (the interrupt would reach other callers' batch); an interrupt that arrives while the calling thread runs a
 * cycle reaches what that cycle is doing, as it would on a pool thread interrupted then, and may fail that batch.
 *
 * <p>Thread-safe; the view holds nothing but its mutex.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface BlockingMutex<K, V> {

	/**
	 * The mutex this view waits on, whose futures the same operations return.
	 * @return the mutex
	 */
	Mutex<K, V> mutex();

	/**
	 * Reads a key in the next read phase and waits for it.
	 * @param key the key
	 * @return the value, or empty if the key is absent
	 * @see Mutex#get(Object)
	 */
	Optional<V> get(K key);

	/**
	 * Reads a key in the next read phase, decoded with a per-call codec, and waits for it.
	 * @param <T> the value type
	 * @param key the key
	 * @param valueCodec the codec for this value
	 * @return the value, or empty if the key is absent
	 * @see Mutex#get(Object, Codec)
	 */
	<T> Optional<T> get(K key, Codec<T> valueCodec);

	/**
	 * Stores a value in the next batch and waits until the batch is written (durably, if the mutex is durable).
	 * @param key the key
	 * @param value the value
	 * @see Mutex#put(Object, Object)
	 */
	void put(K key, V value);

	/**
	 * Stores a value, encoded with a per-call codec, in the next batch and waits until the batch is written.
	 * @param <T> the value type
	 * @param key the key
	 * @param value the value
	 * @param valueCodec the codec for this value
	 * @see Mutex#put(Object, Object, Codec)
	 */
	<T> void put(K key, T value, Codec<T> valueCodec);

	/**
	 * Deletes a key in the next batch and waits until the batch is written; deleting an absent key succeeds.
	 * @param key the key
	 * @see Mutex#del(Object)
	 */
	void del(K key);

	/**
	 * The first entry of the keyspace.
	 * @return the entry with the smallest key, or empty if the keyspace is empty
	 */
	default Optional<Entry<K, V>> peekFirst() {
		return peekFirst(KeyRange.all());
	}

	/**
	 * The first entry in a range, read in the next read phase.
	 * @param range the range
	 * @return the entry with the smallest key in the range, or empty if there is none
	 * @see Mutex#peekFirst(KeyRange)
	 */
	Optional<Entry<K, V>> peekFirst(KeyRange<K> range);

	/**
	 * The last entry of the keyspace.
	 * @return the entry with the largest key, or empty if the keyspace is empty
	 */
	default Optional<Entry<K, V>> peekLast() {
		return peekLast(KeyRange.all());
	}

	/**
	 * The last entry in a range, read in the next read phase.
	 * @param range the range
	 * @return the entry with the largest key in the range, or empty if there is none
	 * @see Mutex#peekLast(KeyRange)
	 */
	Optional<Entry<K, V>> peekLast(KeyRange<K> range);

	/**
	 * Up to {@code limit} entries of a range in key order, read in the next read phase.
	 * @param range the range
	 * @param limit the most entries to return, at least 1
	 * @return the entries, smallest key first (unmodifiable; empty if none)
	 * @see Mutex#scan(KeyRange, int)
	 */
	default List<Entry<K, V>> scan(KeyRange<K> range, int limit) {
		return scan(range, limit, false);
	}

	/**
	 * Up to {@code limit} entries of a range, read in the next read phase on one snapshot.
	 * @param range the range
	 * @param limit the most entries to return, at least 1
	 * @param reverse {@code true} to start from the range's end, largest key first
	 * @return the entries (unmodifiable; empty if none)
	 * @see Mutex#scan(KeyRange, int, boolean)
	 */
	List<Entry<K, V>> scan(KeyRange<K> range, int limit, boolean reverse);

	/**
	 * Waits until every write issued before this call (by any caller, blocking or not) has completed, written or
	 * failed; returns at once if none is queued or being written.
	 * @see Mutex#afterWrite()
	 */
	void afterWrite();

	/**
	 * A conditional write with the mutex's {@link MutexOptions#maxUpdateAttempts()}, and waits for it.
	 * @param <R> the function's result type
	 * @param function reads and decides what to write
	 * @return the function's result, once its writes are committed
	 * @see Mutex#update(UpdateFunction)
	 */
	<R> R update(UpdateFunction<K, V, R> function);

	/**
	 * A conditional write (an atomic read-modify-write, {@link Mutex#update(UpdateFunction, int)}), and waits for
	 * it: its function runs in the write phase on the state every earlier write left, its writes commit in that
	 * batch as one unit or not at all.
	 * @param <R> the function's result type
	 * @param function reads and decides what to write
	 * @param maxAttempts how many attempts the engine may reject before the update fails with
	 * {@link WriteConflictException}, at least 1
	 * @return the function's result, once its writes are committed
	 * @see Mutex#update(UpdateFunction, int)
	 */
	<R> R update(UpdateFunction<K, V, R> function, int maxAttempts);

}
