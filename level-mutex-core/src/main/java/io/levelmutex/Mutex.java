package io.levelmutex;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.levelmutex.codec.Codec;

/**
 * A read/write phase mutex over one keyspace of a {@link MutexStore}: the Java port of
 * level-mutex.
 *
 * <h2>The cycle</h2>
 * A mutex alternates between two phases, on a thread of its executor, at most one cycle at
 * a time:
 * <ol>
 * <li><b>Read phase.</b> Every read queued so far ({@link #get}, {@link #peekFirst},
 * {@link #peekLast}, {@link #scan}) runs on one RocksDB snapshot; then each result is
 * delivered, in the order the reads were issued.</li>
 * <li><b>Write phase.</b> Every write queued so far ({@link #put}, {@link #del},
 * {@link #update} and {@link #afterWrite} barriers), including every write issued while the
 * read results were delivered, is applied in issue order, as one atomic {@code WriteBatch}
 * with one RocksDB write call, or, when it exceeds {@link MutexOptions#maxBatchOperations()}
 * or {@link MutexOptions#maxBatchBytes()}, as several batches one after the other, before any
 * new read phase. Each batch is atomic on its own, not the phase. For each batch
 * {@link MutexListener#onWrites} fires before it and {@link MutexListener#onFlushed} after it,
 * then each of its writes completes, in the order it was issued, with the batch's outcome.
 * Writes issued during the write phase wait for the next cycle.</li>
 * </ol>
 * The cycle repeats while anything is queued and goes idle (holding no thread) otherwise.
 *
 * <h2>Ordering guarantees</h2>
 * <ul>
 * <li>A read sees every write that completed before the read was issued, and no write that
 * was still queued when its read phase began: a read issued "at the same instant" as a write
 * (with no cycle running, or while a write phase runs) sees the state before that write. A read
 * issued after a cycle's read phase began (while its results are delivered, say) waits for the
 * next cycle, so a write issued after that read still joins the current cycle's write phase and
 * the read sees it.</li>
 * <li>A write issued from a dependent action of a read's future that runs on the completing
 * thread ({@code thenAccept}, {@code thenApply}, {@code thenCompose}, ... registered before
 * the result arrives, never the {@code ...Async} forms) joins the very next batch: no other
 * phase can come between the read and that write, even when that write phase spills over
 * several batches. {@link #update} reads and writes in one step, without relying on callback
 * threads.</li>
 * <li>Writes, updates included, are applied, and their futures completed, in the order they
 * were issued. Results of reads are delivered in the order the reads were issued.</li>
 * <li>All reads of one phase see the same snapshot, even while other code writes to the
 * store.</li>
 * </ul>
 * Dependent actions that run on the cycle thread delay the mutex: keep them short, or use the
 * {@code ...Async} forms once ordering no longer matters.
 *
 * <h2>Failures</h2>
 * Every method throws at the call, queuing nothing, for input it refuses
 * ({@link InvalidInputException}), when the mutex is closed ({@link MutexClosedException}) and
 * when the queue is full ({@link MutexOverloadedException}). Once a future is returned, every
 * outcome arrives through it: a failed batch fails each of its writes with the same
 * {@link StorageException} and applies none of them; a failed read fails only that read;
 * a value that is absent is an empty {@link Optional}, never an exception. If the executor
 * refuses to run a cycle, the operations queued at that moment fail with
 * {@link CycleRejectedException} (with {@link MutexClosedException} if the mutex or its store
 * is closing) and the mutex stays open. The mutex keeps cycling after any failure.
 *
 * <h2>Blocking calls on a cycle thread</h2>
 * Every future a mutex returns, and every stage made from one ({@code thenApply},
 * {@code thenCompose}, {@code copy}, ...), refuses to block a thread that is running a cycle
 * of any mutex (a dependent action that runs on the completing thread, a listener, an update
 * function): {@code join()}, {@code get()} and {@code get(timeout, unit)} on such a future that
 * is not done yet throw {@link IllegalStateException} at once, naming the mutex, instead of
 * deadlocking the cycle. Chain the next step with {@code thenCompose}, or leave the cycle
 * thread with the {@code ...Async} forms and an executor of your own. Not caught, and so
 * still a deadlock or a stall of the cycle: waits on a future the library did not make (one
 * from {@link CompletableFuture#allOf}/{@code anyOf}, a {@code minimalCompletionStage()}
 * turned back with {@code toCompletableFuture()}, futures of other libraries), and any other
 * blocking (locks, latches, I/O) on a cycle thread.
 *
 * <p>Keys are relative to the mutex's {@link #keyspace()}; reads and range reads never leave
 * it. Mutexes are thread-safe. A mutex created with other codecs by {@link #withCodecs} is a
 * view sharing this mutex's queue, cycle, listeners and lifecycle.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Mutex<K, V> extends AutoCloseable {

	/**
	 * The mutex's name, unique within its store.
	 * @return the name
	 */
	String name();

	/**
	 * The keyspace this mutex owns.
	 * @return the keyspace
	 */
	Keyspace keyspace();

	/**
	 * The options the mutex was created with.
	 * @return the options
	 */
	MutexOptions options();

	/**
	 * The codec for keys.
	 * @return the key codec
	 */
	Codec<K> keyCodec();

	/**
	 * The codec for values (level-mutex's per-mutex {@code valueEncoding}).
	 * @return the value codec
	 */
	Codec<V> valueCodec();

	/**
	 * A view of this mutex with other codecs; it shares this mutex's queue and cycle, so
	 * operations through either view are ordered together.
	 * @param <K2> the view's key type
	 * @param <V2> the view's value type
	 * @param keyCodec the key codec
	 * @param valueCodec the value codec
	 * @return the view
	 */
	<K2, V2> Mutex<K2, V2> withCodecs(Codec<K2> keyCodec, Codec<V2> valueCodec);

	/**
	 * Reads a key in the next read phase.
	 * @param key the key
	 * @return the value, or empty if the key is absent
	 */
	CompletableFuture<Optional<V>> get(K key);

	/**
	 * Reads a key in the next read phase, decoding with a per-call codec (level-mutex's
	 * per-call {@code valueEncoding}).
	 * @param <T> the value type
	 * @param key the key
	 * @param valueCodec the codec for this value
	 * @return the value, or empty if the key is absent
	 */
	<T> CompletableFuture<Optional<T>> get(K key, Codec<T> valueCodec);

	/**
	 * Stores a value in the next batch.
	 * @param key the key
	 * @param value the value
	 * @return completes when the batch is written (durably, if the mutex is durable)
	 */
	CompletableFuture<Void> put(K key, V value);

	/**
	 * Stores a value, encoded with a per-call codec, in the next batch.
	 * @param <T> the value type
	 * @param key the key
	 * @param value the value
	 * @param valueCodec the codec for this value
	 * @return completes when the batch is written
	 */
	<T> CompletableFuture<Void> put(K key, T value, Codec<T> valueCodec);

	/**
	 * Deletes a key in the next batch; deleting an absent key succeeds.
	 * @param key the key
	 * @return completes when the batch is written
	 */
	CompletableFuture<Void> del(K key);

	/**
	 * The first entry of the keyspace.
	 * @return the entry with the smallest key, or empty if the keyspace is empty
	 */
	default CompletableFuture<Optional<Entry<K, V>>> peekFirst() {
		return peekFirst(KeyRange.all());
	}

	/**
	 * The first entry in a range, in the next read phase.
	 * @param range the range
	 * @return the entry with the smallest key in the range, or empty if there is none
	 */
	CompletableFuture<Optional<Entry<K, V>>> peekFirst(KeyRange<K> range);

	/**
	 * The last entry of the keyspace.
	 * @return the entry with the largest key, or empty if the keyspace is empty
	 */
	default CompletableFuture<Optional<Entry<K, V>>> peekLast() {
		return peekLast(KeyRange.all());
	}

	/**
	 * The last entry in a range, in the next read phase.
	 * @param range the range
	 * @return the entry with the largest key in the range, or empty if there is none
	 */
	CompletableFuture<Optional<Entry<K, V>>> peekLast(KeyRange<K> range);

	/**
	 * Up to {@code limit} entries of a range in key order, in the next read phase.
	 * @param range the range
	 * @param limit the most entries to return, at least 1
	 * @return the entries, smallest key first (unmodifiable; empty if none)
	 * @see #scan(KeyRange, int, boolean)
	 */
	default CompletableFuture<List<Entry<K, V>>> scan(KeyRange<K> range, int limit) {
		return scan(range, limit, false);
	}

	/**
	 * Up to {@code limit} entries of a range, in the next read phase: an addition to
	 * level-mutex's operations for listings. All entries come from the phase's one snapshot,
	 * so a scan is consistent with the other reads of its phase; a scan runs on the cycle
	 * thread and holds up the read phase while it iterates, so page through large ranges
	 * (continue after the last key returned) rather than asking for everything at once. Not
	 * available inside {@link #update}: an update function pages with
	 * {@link UpdateContext#peekFirst}/{@link UpdateContext#peekLast}.
	 * @param range the range
	 * @param limit the most entries to return, at least 1
	 * @param reverse {@code true} to start from the range's end, largest key first
	 * @return the entries (unmodifiable; empty if none)
	 */
	CompletableFuture<List<Entry<K, V>>> scan(KeyRange<K> range, int limit, boolean reverse);

	/**
	 * Completes, normally, once every write issued before this call ({@link #put}, {@link #del},
	 * {@link #update}) has completed, written or failed, and no sooner: also when called from a
	 * completion callback of a write whose batch still has writes to complete. Completes at
	 * once if no write is queued or being written. It is a write item itself and counts
	 * towards {@link MutexOptions#maxQueuedOperations()}.
	 * @return the barrier
	 */
	CompletableFuture<Void> afterWrite();

	/**
	 * A conditional write, with the mutex's {@link MutexOptions#maxUpdateAttempts()}.
	 * @param <R> the function's result type
	 * @param function reads and decides what to write
	 * @return the function's result, once its writes are committed
	 * @see #update(UpdateFunction, int)
	 */
	<R> CompletableFuture<R> update(UpdateFunction<K, V, R> function);

	/**
	 * A conditional write: an atomic read-modify-write.
	 *
	 * <p>The update is a write: it is queued, and counted against
	 * {@link MutexOptions#maxQueuedOperations()}, with the other writes, and its place among
	 * them is the order it was issued in. Its function runs in the write phase, on the cycle
	 * thread, when the batch being built reaches it, against a snapshot taken after the
	 * previous batch plus the writes placed before it in this batch: it sees every write
	 * issued before it (plain writes and earlier updates) and none issued after it. The writes
	 * it makes through its {@link UpdateContext} join that batch as one unit, all or nothing,
	 * and the future completes in its turn, in issue order with the batch's other writes, with
	 * the function's result if the batch was written, or with the batch's
	 * {@link StorageException} if it failed. On the embedded engine an update therefore never
	 * conflicts and one attempt always suffices; {@code maxAttempts} and
	 * {@link WriteConflictException} are for engines with writers on other nodes.
	 *
	 * <p>On such an engine (PostgreSQL) the commit also validates the update against every
	 * batch another node committed since its snapshot: if one of them wrote a key it read, a key
	 * in a range it peeked at, or a key it writes, the update is rejected. The writes issued
	 * before it are committed; the update runs again on fresh state in the next batch (its
	 * {@link UpdateContext#attempt()} one higher), followed by the writes issued after it, so
	 * issue order still holds; after {@code maxAttempts} rejected attempts its future fails with
	 * {@link WriteConflictException} naming the key, and nothing of it is applied. No update is
	 * ever lost between nodes.
	 *
	 * <p>If the writes do not fit the room left in the batch ({@link MutexOptions#maxBatchOperations()},
	 * {@link MutexOptions#maxBatchBytes()}), the batch so far is written first, the result is
	 * discarded and the function runs again, for the next batch, on the state after that
	 * write (whether it was applied or failed). A unit larger than the limits goes alone.
	 *
	 * <p>If the function throws, the future fails with that exception, in its turn, and
	 * nothing of it is written; the other writes of its batch are not affected. If it writes
	 * nothing, the future completes in its turn with its result (with the batch's failure if
	 * its batch failed). The function may run more than once and must not have side effects
	 * beyond its context; it must be quick, as it holds up the batch.
	 * @param <R> the function's result type
	 * @param function reads and decides what to write
	 * @param maxAttempts how many attempts the engine may reject before the update fails with
	 * {@link WriteConflictException}, at least 1 (re-runs because the batch was full do not count)
	 * @return the function's result, once its writes are committed
	 */
	<R> CompletableFuture<R> update(UpdateFunction<K, V, R> function, int maxAttempts);

	/**
	 * A view of this mutex whose methods wait for their operation and return its value or throw its failure
	 * (unwrapped): for code that waits for each operation anyway, such as a servlet-style request thread. The same
	 * queue and cycle, so its operations are ordered together with this mutex's. A blocking write from a lone writer
	 * at an idle mutex runs the cycle on the calling thread instead of waking a pool thread; see
	 * {@link BlockingMutex} for where the cycle runs, failures, cycle threads and interrupts.
	 *
	 * <p>The default waits on this mutex's futures ({@code join()}, failures unwrapped); the store's mutexes
	 * override it. Cheap: keep the view or ask for it per call.
	 * @return the blocking view
	 */
	default BlockingMutex<K, V> blocking() {
		return new JoiningBlockingMutex<>(this);
	}

	/**
	 * Registers a listener for the {@code reads}, {@code writes} and {@code flushed} events.
	 * @param listener the listener
	 * @return call {@link AutoCloseable#close()} on it to remove the listener
	 */
	ListenerRegistration addListener(MutexListener listener);

	/**
	 * The mutex's counters.
	 * @return a snapshot of its statistics
	 */
	MutexStats stats();

	/**
	 * Whether the mutex is closed (or closing).
	 * @return {@code true} once {@link #close()} or {@link #closeAsync()} was called
	 */
	boolean isClosed();

	/**
	 * Stops accepting operations and lets the queued ones run to completion, for at most the
	 * store's {@link StoreOptions#closeTimeout()}: after it, every operation not completed yet
	 * (queued, or held up by a blocking callback, listener or update function) fails with
	 * {@link MutexClosedException} and the mutex reads and writes nothing more.
	 * @return completes when every queued operation has completed, or failed after the timeout
	 */
	CompletableFuture<Void> closeAsync();

	/**
	 * Stops accepting operations (they throw {@link MutexClosedException}), and waits until
	 * every queued operation has completed (run, or failed if the store went away or the
	 * store's {@link StoreOptions#closeTimeout()} passed, as {@link #closeAsync()}). Called on
	 * a thread that runs a cycle of any mutex (from a callback), it does not wait, as
	 * {@link #closeAsync()}: the queued operations still complete.
	 */
	@Override
	void close();

	/** Removes a listener when closed. */
	interface ListenerRegistration extends AutoCloseable {

		/** Removes the listener; idempotent. */
		@Override
		void close();

	}

}
