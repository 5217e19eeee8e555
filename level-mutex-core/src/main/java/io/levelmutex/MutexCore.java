package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.WriteOptions;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;

/**
 * The byte-level engine of one mutex: its two queues, the drain-status state machine that
 * runs at most one cycle at a time on the executor, and the cycle itself (a read phase, then
 * a write phase). Typed access goes through {@link CodecMutex} views.
 *
 * <p>Threads: callers enqueue from any thread. The cycle runs on the executor, one task at a
 * time per mutex; fields marked "cycle thread" are only touched by whichever thread runs the
 * current drain task. Successive drain tasks are ordered by the {@link #drainStatus} CAS
 * (a volatile write by the finishing task, a volatile read before the next is submitted), so
 * the cycle-thread fields need no further synchronization.
 */
final class MutexCore {

	private static final System.Logger LOG = System.getLogger(Mutex.class.getName());

	// Drain status, after Caffeine's BoundedLocalCache: whether a drain task is scheduled or
	// running, and whether more work arrived while it ran.
	static final int IDLE = 0;

	static final int REQUIRED = 1;

	static final int PROCESSING_TO_IDLE = 2;

	static final int PROCESSING_TO_REQUIRED = 3;

	/** Cycles one drain task runs before it yields the executor to other mutexes. */
	static final int MAX_CYCLES_PER_DRAIN = 32;

	private final MutexStore store;

	private final MutexOptions options;

	private final byte[] prefix;

	private final ColumnFamilyHandle family;

	private final WriteOptions writeOptions;

	private final Executor executor;

	private final MutexListeners listeners;

	private final MutexCounters counters = new MutexCounters();

	private final ConcurrentLinkedQueue<ReadOp> reads = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<WriteItem> writes = new ConcurrentLinkedQueue<>();

	/** Reads and write items waiting, for the queue limit; raised by callers, lowered by the cycle thread. */
	private final QueueCounts counts = new QueueCounts();

	/**
	 * Whether write items were taken from the queue into a batch that has not completed yet,
	 * for {@link #afterWrite()}; written by the cycle thread (set before the queue count is
	 * lowered, cleared before the batch's futures complete), read by any thread.
	 */
	private volatile boolean batchInFlight;

	private final AtomicInteger drainStatus = new AtomicInteger(IDLE);

	private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

	private final ConflictTracker conflicts = new ConflictTracker();

	/** The byte-level view handed out by the store; immutable. */
	private final CodecMutex<byte[], byte[]> bytesView;

	/** Set once by {@link #closeAsync()}; read by any thread. */
	private volatile boolean closed;

	/** The thread running the current drain task, or {@code null}; written by the cycle thread. */
	private volatile @Nullable Thread cycleThread;

	/** Units in the write queue; cycle thread. */
	private int unitsWaiting;

	/** Read phases and batches run so far; cycle thread. */
	private long phaseNumber;

	private long batchNumber;

	MutexCore(MutexStore store, MutexOptions options, ColumnFamilyHandle family, WriteOptions writeOptions,
			Executor executor) {
		this.store = store;
		this.options = options;
		this.prefix = options.keyspace().prefixBytes();
		this.family = family;
		this.writeOptions = writeOptions;
		this.executor = executor;
		this.listeners = new MutexListeners(options.name());
		this.bytesView = new CodecMutex<>(this, Codecs.bytes(), Codecs.bytes());
	}

	CodecMutex<byte[], byte[]> bytesView() {
		return this.bytesView;
	}

	// ---- queuing (any thread)

	void enqueueRead(ReadOp read) {
		checkOpen();
		if (!this.counts.tryAddRead(this.options.maxQueuedOperations())) {
			throw overloaded();
		}
		this.reads.add(read);
		scheduleDrain();
	}

	void enqueueWrite(PlainWrite write) {
		checkOpen();
		if (!this.counts.tryAddWrite(this.options.maxQueuedOperations())) {
			throw overloaded();
		}
		this.writes.add(write);
		scheduleDrain();
	}

	CompletableFuture<Void> afterWrite() {
		checkOpen();
		if (this.counts.writes() == 0 && !this.batchInFlight) {
			return CompletableFuture.completedFuture(null);
		}
		if (!this.counts.tryAddWrite(this.options.maxQueuedOperations())) {
			throw overloaded();
		}
		WriteBarrier barrier = new WriteBarrier();
		this.writes.add(barrier);
		scheduleDrain();
		return barrier.future;
	}

	/** Queues the writes of an update; on the cycle thread, never refused. */
	void enqueueUnit(UnitWrite<?> unit) {
		this.counts.addWrite();
		this.unitsWaiting++;
		this.writes.add(unit);
	}

	/** Runs a conflicting update again, or fails it; on the cycle thread, never refused. */
	void retryOrFail(UpdateRead<?, ?, ?> update) {
		if (update.attempt < update.maxAttempts) {
			update.attempt++;
			this.counts.addRead();
			this.reads.add(update);
		}
		else {
			byte[] key = (update.conflictKey != null) ? update.conflictKey : KeyBytes.EMPTY;
			update.future.completeExceptionally(new WriteConflictException(name(),
					KeyFormat.abbreviate(KeyBytes.strip(this.prefix, key)), update.attempt));
		}
	}

	/** The batch's writes are about to complete: they no longer hold up {@link #afterWrite()}. */
	void writesCompleted() {
		this.batchInFlight = false;
	}

	private MutexOverloadedException overloaded() {
		this.counters.rejected();
		return new MutexOverloadedException(name(), this.options.maxQueuedOperations());
	}

	private void checkOpen() {
		if (this.closed) {
			throw new MutexClosedException("Mutex '" + name() + "' is closed; the operation was not queued");
		}
		if (!this.store.isOpen()) {
			throw new MutexClosedException(
					"The store of mutex '" + name() + "' is closed; the operation was not queued");
		}
	}

	// ---- drain status state machine

	void scheduleDrain() {
		for (;;) {
			int status = this.drainStatus.get();
			switch (status) {
				case IDLE -> {
					if (this.drainStatus.compareAndSet(IDLE, REQUIRED)) {
						submit();
						return;
					}
				}
				case PROCESSING_TO_IDLE -> {
					if (this.drainStatus.compareAndSet(PROCESSING_TO_IDLE, PROCESSING_TO_REQUIRED)) {
						return;
					}
				}
				default -> {
					return; // REQUIRED or PROCESSING_TO_REQUIRED: a drain will see the work
				}
			}
		}
	}

	private void submit() {
		try {
			this.executor.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			this.drainStatus.set(IDLE);
			failQueued(new MutexClosedException(
					"The executor of mutex '" + name() + "' rejected its cycle; queued operations were failed"));
			if (this.closed) {
				this.closeFuture.complete(null);
			}
		}
	}

	private void drain() {
		this.drainStatus.set(PROCESSING_TO_IDLE);
		this.cycleThread = Thread.currentThread();
		int cycles = 0;
		try {
			for (;;) {
				runCycle();
				cycles++;
				if (!hasWork()) {
					if (this.drainStatus.compareAndSet(PROCESSING_TO_IDLE, IDLE)) {
						this.cycleThread = null;
						if (this.closed) {
							this.closeFuture.complete(null);
						}
						return;
					}
					this.drainStatus.set(PROCESSING_TO_IDLE);
				}
				if (cycles >= MAX_CYCLES_PER_DRAIN) {
					this.cycleThread = null;
					this.drainStatus.set(REQUIRED);
					submit();
					return;
				}
			}
		}
		catch (Throwable ex) {
			// A bug, not an operation's failure (those complete their futures): keep cycling.
			LOG.log(System.Logger.Level.ERROR, "Cycle of mutex '" + name() + "' failed unexpectedly", ex);
			this.cycleThread = null;
			this.drainStatus.set(REQUIRED);
			submit();
		}
	}

	private boolean hasWork() {
		return !this.reads.isEmpty() || !this.writes.isEmpty();
	}

	// ---- the cycle (cycle thread)

	private void runCycle() {
		this.counters.cycleStarted();
		try {
			runPhases();
		}
		finally {
			this.counters.cycleEnded();
		}
	}

	private void runPhases() {
		List<ReadOp> phaseReads = drainReads();
		if (!phaseReads.isEmpty()) {
			runReadPhase(phaseReads);
			this.listeners.readsDelivered(this.phaseNumber, phaseReads.size());
		}
		List<WriteItem> batch = drainBatch();
		if (!batch.isEmpty()) {
			boolean unitsInPlay = this.unitsWaiting > 0;
			for (WriteItem item : batch) {
				if (item instanceof UnitWrite<?>) {
					unitsInPlay = true;
					this.unitsWaiting--;
				}
			}
			new WritePhase(this, ++this.batchNumber).run(batch, this.conflicts, unitsInPlay);
		}
	}

	private List<ReadOp> drainReads() {
		int count = this.counts.reads();
		if (count == 0) {
			return List.of();
		}
		List<ReadOp> drained = new ArrayList<>(count);
		ReadOp read;
		while (drained.size() < count && (read = this.reads.poll()) != null) {
			drained.add(read);
		}
		this.counts.removeReads(drained.size());
		return drained;
	}

	private void runReadPhase(List<ReadOp> phaseReads) {
		long number = ++this.phaseNumber;
		this.counters.readPhase(phaseReads.size());
		if (!this.listeners.isEmpty()) {
			this.listeners.reads(new ReadPhaseEvent(name(), number, phaseReads.size()));
		}
		ReadPhase phase = new ReadPhase(this, number, this.batchNumber);
		if (!this.store.guard().enter()) {
			MutexClosedException failure = storeClosed();
			for (ReadOp read : phaseReads) {
				read.fail(failure);
			}
			return;
		}
		boolean executed;
		try {
			executed = phase.execute(phaseReads, this.store.access(), this.family);
		}
		finally {
			this.store.guard().exit();
		}
		if (executed) {
			phase.deliver(phaseReads);
		}
	}

	private List<WriteItem> drainBatch() {
		if (this.writes.isEmpty()) {
			return List.of();
		}
		int maxOperations = this.options.maxBatchOperations();
		long maxBytes = this.options.maxBatchBytes();
		List<WriteItem> batch = new ArrayList<>(Math.min(this.counts.writes(), maxOperations) + 1);
		int operations = 0;
		long bytes = 0;
		WriteItem item;
		while ((item = this.writes.peek()) != null) {
			int itemOperations = item.operationCount();
			long itemBytes = item.bytes();
			if (operations > 0 && (operations + itemOperations > maxOperations || bytes + itemBytes > maxBytes)) {
				break;
			}
			this.writes.poll();
			batch.add(item);
			operations += itemOperations;
			bytes += itemBytes;
		}
		this.batchInFlight = true;
		this.counts.removeWrites(batch.size());
		return batch;
	}

	private void failQueued(Throwable error) {
		ReadOp read;
		while ((read = this.reads.poll()) != null) {
			this.counts.removeReads(1);
			read.fail(error);
		}
		WriteItem item;
		while ((item = this.writes.poll()) != null) {
			this.counts.removeWrites(1);
			if (item instanceof PlainWrite plain) {
				plain.future.completeExceptionally(error);
			}
			else if (item instanceof UnitWrite<?> unit) {
				unit.origin.future.completeExceptionally(error);
			}
			else if (item instanceof WriteBarrier barrier) {
				barrier.future.complete(null);
			}
		}
	}

	// ---- closing

	CompletableFuture<Void> closeAsync() {
		if (!this.closed) {
			this.closed = true;
			scheduleDrain();
		}
		return this.closeFuture;
	}

	boolean isClosed() {
		return this.closed;
	}

	CompletableFuture<Void> closeFuture() {
		return this.closeFuture;
	}

	boolean onCycleThread() {
		return Thread.currentThread() == this.cycleThread;
	}

	MutexClosedException storeClosed() {
		return new MutexClosedException("The store of mutex '" + name() + "' is closed; the operation was not run");
	}

	// ---- input (any thread)

	<K> byte[] encodeKey(Codec<K> codec, @Nullable K key) {
		if (key == null) {
			throw new InvalidInputException("Mutex '" + name() + "': key must not be null");
		}
		byte[] bytes = codec.encode(key);
		if (bytes == null || bytes.length == 0) {
			throw new InvalidInputException("Mutex '" + name() + "': key must not be empty");
		}
		if (bytes.length > this.options.maxKeyBytes()) {
			throw new InvalidInputException("Mutex '" + name() + "': key " + KeyFormat.abbreviate(bytes) + " is "
					+ bytes.length + " bytes, over the limit of " + this.options.maxKeyBytes()
					+ " bytes (max-key-size)");
		}
		return bytes;
	}

	<K, T> WriteOperation putOperation(Codec<K> keyCodec, @Nullable K key, Codec<T> valueCodec, @Nullable T value) {
		byte[] keyBytes = encodeKey(keyCodec, key);
		if (value == null) {
			throw new InvalidInputException("Mutex '" + name() + "': value for key " + KeyFormat.abbreviate(keyBytes)
					+ " must not be null (use del to remove a key)");
		}
		byte[] valueBytes = valueCodec.encode(value);
		if (valueBytes == null) {
			throw new InvalidInputException("Mutex '" + name() + "': codec " + valueCodec.name()
					+ " encoded the value for key " + KeyFormat.abbreviate(keyBytes) + " as null");
		}
		if (valueBytes.length > this.options.maxValueBytes()) {
			throw new InvalidInputException("Mutex '" + name() + "': value for key " + KeyFormat.abbreviate(keyBytes)
					+ " is " + valueBytes.length + " bytes, over the limit of " + this.options.maxValueBytes()
					+ " bytes (max-value-size)");
		}
		return new WriteOperation(WriteOperation.Type.PUT, keyBytes, storedKey(keyBytes), valueBytes);
	}

	<K> WriteOperation delOperation(Codec<K> keyCodec, @Nullable K key) {
		byte[] keyBytes = encodeKey(keyCodec, key);
		return new WriteOperation(WriteOperation.Type.DEL, keyBytes, storedKey(keyBytes), null);
	}

	<K> StoredRange storedRange(Codec<K> keyCodec, @Nullable KeyRange<K> range) {
		if (range == null) {
			throw new InvalidInputException("Mutex '" + name() + "': range must not be null");
		}
		K start = range.start();
		K end = range.end();
		return StoredRange.of(this.prefix, (start != null) ? keyCodec.encode(start) : null, range.startInclusive(),
				(end != null) ? keyCodec.encode(end) : null, range.endInclusive());
	}

	byte[] storedKey(byte[] key) {
		return KeyBytes.concat(this.prefix, key);
	}

	// ---- accessors

	String name() {
		return this.options.name();
	}

	MutexOptions options() {
		return this.options;
	}

	MutexStore store() {
		return this.store;
	}

	ColumnFamilyHandle family() {
		return this.family;
	}

	WriteOptions writeOptions() {
		return this.writeOptions;
	}

	int prefixLength() {
		return this.prefix.length;
	}

	MutexListeners listeners() {
		return this.listeners;
	}

	MutexCounters counters() {
		return this.counters;
	}

	boolean unitsWaiting() {
		return this.unitsWaiting > 0;
	}

	MutexStats stats() {
		return this.counters.snapshot(name(), this.counts.reads(), this.counts.writes(), this.closed);
	}

}
