package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.levelmutex.OperationLedger.ModelFailure;

/**
 * The sequential model of a mutex, with the semantics the README promises (issue 9):
 * <ul>
 * <li>a cycle is a read phase (every queued read on one snapshot, results delivered in issue
 * order) then a write phase;</li>
 * <li>a write phase writes everything queued when it began, in issue order, updates included
 * (an update's function runs when the phase reaches it, on the committed state plus the
 * earlier writes of its batch), in as many batches as the limits need, before the next read
 * phase;</li>
 * <li>a failed batch fails each of its writes and applies none; a function that throws fails
 * only its update; an update never conflicts;</li>
 * <li>close refuses new operations and runs queued ones to completion.</li>
 * </ul>
 * Where the batches split depends on the limits, so the model follows the batches the real
 * mutex recorded (an oracle), and checks they hold the model's writes, in order, within the
 * limits, each update's writes in one batch, and no batch spanning two write phases. The first
 * disagreement is kept in {@link #divergence()} and the model stops. Single-threaded.
 */
final class ModelMutex implements GuaranteeTarget {

	private final List<BatchRecorder.Batch> oracle;

	private final int maxBatchOperations;

	private final long maxBatchBytes;

	private final int prefixLength;

	private final KeyspaceModel committed = new KeyspaceModel();

	/** Queued reads: each evaluates on the phase's state and queues its delivery. */
	private List<Runnable> reads = new ArrayList<>();

	/** The results of the read phase running now, delivered in issue order once all are read. */
	private final List<Runnable> pendingDeliveries = new ArrayList<>();

	private List<Item> writes = new ArrayList<>();

	private boolean closed;

	private long readPhases;

	private @Nullable String divergence;

	// the oracle's cursor
	private int batchIndex;

	private int writeIndex;

	/** A queued write: a put/delete, an update, or a barrier. */
	private static final class Item {

		final @Nullable ModelWrite write;

		final @Nullable UpdateFunction<String, String, String> function;

		final CompletableFuture<?> future;

		@Nullable String result;

		String describe() {
			return (this.write != null) ? this.write.toString() : (this.function != null) ? "update" : "afterWrite";
		}

		Item(@Nullable ModelWrite write, @Nullable UpdateFunction<String, String, String> function,
				CompletableFuture<?> future) {
			this.write = write;
			this.function = function;
			this.future = future;
		}

	}

	ModelMutex(List<BatchRecorder.Batch> oracle, MutexOptions options, int prefixLength) {
		// a batch without writes (if a mutex ever reports one) holds nothing to follow
		this.oracle = oracle.stream().filter((batch) -> !batch.writes.isEmpty()).toList();
		this.maxBatchOperations = options.maxBatchOperations();
		this.maxBatchBytes = options.maxBatchBytes();
		this.prefixLength = prefixLength;
	}

	@Nullable String divergence() {
		return this.divergence;
	}

	KeyspaceModel committed() {
		return this.committed;
	}

	/** Batches the real mutex wrote that the model never reached. */
	int unconsumedBatches() {
		return this.oracle.size() - this.batchIndex;
	}

	// ---- operations

	@Override
	public CompletableFuture<Optional<String>> get(String key) {
		return read((state) -> state.get(key));
	}

	@Override
	public CompletableFuture<Optional<Entry<String, String>>> peekFirst(KeyRange<String> range) {
		return read((state) -> state.peekFirst(range));
	}

	@Override
	public CompletableFuture<Optional<Entry<String, String>>> peekLast(KeyRange<String> range) {
		return read((state) -> state.peekLast(range));
	}

	@Override
	public CompletableFuture<List<Entry<String, String>>> scan(KeyRange<String> range, int limit, boolean reverse) {
		return read((state) -> state.scan(range, limit, reverse));
	}

	@Override
	public CompletableFuture<Void> put(String key, String value) {
		return write(new ModelWrite(true, key, value), null);
	}

	@Override
	public CompletableFuture<Void> del(String key) {
		return write(new ModelWrite(false, key, null), null);
	}

	@Override
	@SuppressWarnings("unchecked")
	public CompletableFuture<String> update(UpdateFunction<String, String, String> function) {
		return (CompletableFuture<String>) (CompletableFuture<?>) write(null, function);
	}

	@Override
	public CompletableFuture<Void> afterWrite() {
		checkOpen();
		if (this.writes.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		return write(null, null);
	}

	@Override
	public void closeAsync() {
		this.closed = true;
	}

	@Override
	public long readPhases() {
		return this.readPhases;
	}

	private <T> CompletableFuture<T> read(Function<KeyspaceModel, T> reader) {
		checkOpen();
		CompletableFuture<T> future = new CompletableFuture<>();
		// evaluated at the phase's start (snapshot), delivered after every read is evaluated
		this.reads.add(() -> {
			T value = reader.apply(this.committed);
			this.pendingDeliveries.add(() -> future.complete(value));
		});
		return future;
	}

	private CompletableFuture<Void> write(@Nullable ModelWrite write,
			@Nullable UpdateFunction<String, String, String> function) {
		checkOpen();
		CompletableFuture<Void> future = new CompletableFuture<>();
		this.writes.add(new Item(write, function, future));
		return future;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new MutexClosedException("model closed");
		}
	}

	// ---- the cycle

	@Override
	public void runCycles() {
		while (this.divergence == null && (!this.reads.isEmpty() || !this.writes.isEmpty())) {
			if (!this.reads.isEmpty()) {
				readPhase();
			}
			if (this.divergence == null && !this.writes.isEmpty()) {
				writePhase();
			}
		}
	}

	private void readPhase() {
		List<Runnable> phase = this.reads;
		this.reads = new ArrayList<>();
		this.readPhases++;
		phase.forEach(Runnable::run);
		List<Runnable> deliveries = List.copyOf(this.pendingDeliveries);
		this.pendingDeliveries.clear();
		deliveries.forEach(Runnable::run);
	}

	// the open batch of the current write phase (writes of the oracle's batch batchIndex)
	private boolean open;

	private List<Item> group = new ArrayList<>();

	private List<ModelWrite> batchWrites = new ArrayList<>();

	private KeyspaceModel overlay = new KeyspaceModel();

	private void writePhase() {
		List<Item> phase = this.writes;
		this.writes = new ArrayList<>();
		this.group = new ArrayList<>();
		for (Item item : phase) {
			if (item.write == null && item.function == null) {
				this.group.add(item); // a barrier completes with the writes issued before it
				continue;
			}
			if (this.open && this.writeIndex == this.oracle.get(this.batchIndex).writes.size() && !flush()) {
				return;
			}
			List<ModelWrite> produced;
			if (item.write != null) {
				if (!openBatch(List.of(item.write), item)) {
					return;
				}
				produced = List.of(item.write);
			}
			else {
				// the function runs on the open batch's overlay, or on the committed state
				produced = runFunction(item, this.open ? this.overlay : this.committed);
				if (produced == null) {
					continue;
				}
				if (!openBatch(produced, item)) {
					return;
				}
			}
			BatchRecorder.Batch batch = this.oracle.get(this.batchIndex);
			for (ModelWrite expected : produced) {
				if (this.writeIndex >= batch.writes.size()) {
					diverge("the writes " + produced + " of " + item.describe() + " do not all fit in " + batch
							+ ": an update's writes were split across batches");
					return;
				}
				ModelWrite actual = batch.writes.get(this.writeIndex);
				if (!actual.equals(expected)) {
					diverge("write order: the model's next write is " + expected + " (of " + item.describe() + ") but "
							+ batch + " holds " + actual + " at position " + (this.writeIndex + 1));
					return;
				}
				this.writeIndex++;
			}
			produced.forEach(this.overlay::apply);
			this.batchWrites.addAll(produced);
			this.group.add(item);
		}
		if (this.open) {
			BatchRecorder.Batch batch = this.oracle.get(this.batchIndex);
			if (this.writeIndex < batch.writes.size()) {
				diverge(batch + " also holds " + batch.writes.subList(this.writeIndex, batch.writes.size())
						+ " after the model's write phase ended: a batch spans a read phase");
				return;
			}
			flush();
		}
		else {
			this.group.forEach((item) -> completeUnchecked(item, null));
		}
	}

	/** Opens the oracle's next batch unless one is open; {@code false} if there is none. */
	private boolean openBatch(List<ModelWrite> first, Item item) {
		if (this.open) {
			return true;
		}
		if (this.batchIndex >= this.oracle.size()) {
			diverge("the model writes " + first + " of " + item.describe() + " but the mutex wrote no more batches");
			return false;
		}
		this.open = true;
		this.writeIndex = 0;
		this.overlay = this.committed.copy();
		this.batchWrites = new ArrayList<>();
		return true;
	}

	private boolean flush() {
		BatchRecorder.Batch batch = this.oracle.get(this.batchIndex);
		long bytes = 0;
		for (ModelWrite write : this.batchWrites) {
			bytes += write.size(this.prefixLength);
		}
		long writers = this.group.stream().filter((item) -> item.write != null || item.function != null).count();
		if (writers > 1 && (this.batchWrites.size() > this.maxBatchOperations || bytes > this.maxBatchBytes)) {
			diverge(batch + " has " + this.batchWrites.size() + " writes and " + bytes + " bytes, over the limits of "
					+ this.maxBatchOperations + " writes and " + this.maxBatchBytes + " bytes");
			return false;
		}
		if (batch.error == null) {
			this.batchWrites.forEach(this.committed::apply);
		}
		this.batchIndex++;
		this.writeIndex = 0;
		this.open = false;
		List<Item> completing = this.group;
		this.group = new ArrayList<>();
		for (Item item : completing) {
			if (batch.error != null && (item.write != null || item.function != null)) {
				item.future.completeExceptionally(new ModelFailure("StorageException"));
			}
			else {
				completeUnchecked(item, item.result);
			}
		}
		return true;
	}

	/** Runs an update's function on the view; {@code null} when it threw (its future failed). */
	private @Nullable List<ModelWrite> runFunction(Item item, KeyspaceModel view) {
		ModelUpdateContext context = new ModelUpdateContext(view.copy());
		try {
			item.result = java.util.Objects.requireNonNull(item.function).apply(context);
		}
		catch (Exception ex) {
			item.future.completeExceptionally(ex);
			return null;
		}
		if (context.writes.isEmpty()) {
			completeUnchecked(item, item.result);
			return null;
		}
		return context.writes;
	}

	@SuppressWarnings("unchecked")
	private static void completeUnchecked(Item item, @Nullable String result) {
		((CompletableFuture<Object>) item.future).complete(result);
	}

	private void diverge(String message) {
		if (this.divergence == null) {
			this.divergence = message;
		}
	}

}
