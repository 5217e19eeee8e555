package io.levelmutex.reliability.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;

/**
 * One client thread of the cluster model ({@link ClusterModelTest}) on one node: a seeded number of operations
 * on the node's mutexes, one at a time, most waited for with a blocking {@code join()} (so that the caller may claim
 * and run the mutex's cycle itself on a store pool of one thread), the others with {@code get(timeout)} (which never
 * runs a cycle); now and then a burst of writes issued without waiting, closed by {@code afterWrite()}, which must
 * complete only once every write of the burst has. Every operation is recorded as a {@link ModelOp}.
 */
final class ModelClient implements Runnable {

	/** How long a {@code get(timeout)} waits before the operation counts as hung. */
	static final long HANG_SECONDS = 120;

	private final Map<String, Mutex<String, String>> mutexes;

	private final List<String> names;

	private final int node;

	private final int client;

	private final int operations;

	private final int counters;

	private final Random random;

	private final Queue<ModelOp> ops;

	private final Shared shared;

	/** This client's acknowledged puts not deleted yet, by mutex; this client's thread only. */
	private final Map<String, List<String>> livePuts = new ConcurrentHashMap<>();

	private long next;

	/**
	 * What the clients of a run share: the highest acknowledged value of each counter (for the reads' floor) and
	 * the violations seen while running (a read below its floor, a barrier that overtook a write, a hang).
	 * Thread-safe.
	 */
	static final class Shared {

		final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();

		final Queue<String> violations = new ConcurrentLinkedQueue<>();

		long floor(String mutex, String counter) {
			AtomicLong value = this.acknowledged.get(mutex + "/" + counter);
			return (value == null) ? 0 : value.get();
		}

		void acknowledged(String mutex, String counter, long value) {
			this.acknowledged.computeIfAbsent(mutex + "/" + counter, (key) -> new AtomicLong())
				.accumulateAndGet(value, Math::max);
		}

	}

	ModelClient(Map<String, Mutex<String, String>> mutexes, int node, int client, int operations, int counters,
			long seed, Queue<ModelOp> ops, Shared shared) {
		this.mutexes = mutexes;
		this.names = new ArrayList<>(mutexes.keySet());
		this.names.sort(null);
		this.node = node;
		this.client = client;
		this.operations = operations;
		this.counters = counters;
		this.random = new Random(seed);
		this.ops = ops;
		this.shared = shared;
	}

	@Override
	public void run() {
		for (int n = 0; n < this.operations; n++) {
			if (this.random.nextInt(8) == 0) {
				burst();
			}
			else {
				ModelOp op = choose();
				boolean join = this.random.nextInt(5) != 0;
				if (!awaitOutcome(op, issue(op), join)) {
					return; // hung: the test reports it
				}
			}
		}
	}

	/** Two to four writes without waiting, then {@code afterWrite()}: once it completes, every one is done. */
	private void burst() {
		String name = this.names.get(this.random.nextInt(this.names.size()));
		Mutex<String, String> mutex = this.mutexes.get(name);
		List<ModelOp> burst = new ArrayList<>();
		List<CompletableFuture<?>> futures = new ArrayList<>();
		int writes = 2 + this.random.nextInt(3);
		for (int w = 0; w < writes; w++) {
			ModelOp op = (this.random.nextBoolean()) ? increment(name) : put(name);
			burst.add(op);
			futures.add(issue(op));
		}
		CompletableFuture<Void> barrier = mutex.afterWrite();
		try {
			barrier.join();
		}
		catch (RuntimeException ex) {
			// A barrier fails only with the mutex (closed); the writes' own outcomes are checked below.
		}
		for (int w = 0; w < writes; w++) {
			if (!futures.get(w).isDone()) {
				this.shared.violations.add("afterWrite() of node " + this.node + " completed before " + burst.get(w));
			}
		}
		for (int w = 0; w < writes; w++) {
			if (!awaitOutcome(burst.get(w), futures.get(w), true)) {
				return;
			}
		}
	}

	private ModelOp choose() {
		String name = this.names.get(this.random.nextInt(this.names.size()));
		int pick = this.random.nextInt(100);
		if (pick < 40) {
			return increment(name);
		}
		if (pick < 52) {
			return append(name);
		}
		if (pick < 57) {
			return op(ModelOp.Kind.POP, name, "l/" + this.random.nextInt(2) + "/", 0);
		}
		if (pick < 75) {
			return put(name);
		}
		List<String> live = this.livePuts.getOrDefault(name, List.of());
		if (pick < 85 && !live.isEmpty()) {
			String key = live.remove(this.random.nextInt(live.size()));
			return op(ModelOp.Kind.DEL, name, key, 0);
		}
		String counter = counter();
		return op(ModelOp.Kind.GET, name, counter, this.shared.floor(name, counter));
	}

	private ModelOp increment(String name) {
		return op(ModelOp.Kind.INCREMENT, name, counter(), 0);
	}

	private ModelOp append(String name) {
		return op(ModelOp.Kind.APPEND, name, "l/" + this.random.nextInt(2) + "/", 0);
	}

	private ModelOp put(String name) {
		return op(ModelOp.Kind.PUT, name, "p/" + this.node + "/" + this.client + "/" + this.next, 0);
	}

	private String counter() {
		return "c/" + this.random.nextInt(this.counters);
	}

	private ModelOp op(ModelOp.Kind kind, String name, String key, long floor) {
		ModelOp op = new ModelOp("n" + this.node + "c" + this.client + "o" + (this.next++), this.node, kind, name, key,
				floor);
		this.ops.add(op);
		return op;
	}

	/** Issues the operation; its future's completions are counted from here on. */
	private CompletableFuture<?> issue(ModelOp op) {
		Mutex<String, String> mutex = this.mutexes.get(op.mutex);
		CompletableFuture<?> future;
		try {
			future = switch (op.kind) {
				case INCREMENT -> mutex.update((context) -> {
					long value = context.get(op.key).map(Long::parseLong).orElse(0L) + 1;
					context.put(op.key, Long.toString(value));
					context.put("m/" + op.id, op.key);
					return value;
				});
				case APPEND -> mutex.update((context) -> {
					Optional<Entry<String, String>> last = context
						.peekLast(KeyRange.closedOpen(op.key, op.key.substring(0, op.key.length() - 1) + "0"));
					int index = last.map((entry) -> Integer.parseInt(entry.key().substring(op.key.length()))).orElse(0) + 1;
					context.put(op.key + String.format("%06d", index), op.id);
					return index;
				});
				case POP -> mutex.update((context) -> {
					Optional<Entry<String, String>> last = context
						.peekLast(KeyRange.closedOpen(op.key, op.key.substring(0, op.key.length() - 1) + "0"));
					if (last.isEmpty()) {
						return "";
					}
					context.del(last.get().key());
					return Integer.parseInt(last.get().key().substring(op.key.length())) + ":" + last.get().value();
				});
				case PUT -> mutex.put(op.key, op.id);
				case DEL -> mutex.del(op.key);
				case GET -> mutex.get(op.key);
			};
		}
		catch (RuntimeException ex) {
			// Refused at the call: nothing was queued.
			op.failed(ex);
			op.completions.incrementAndGet();
			return CompletableFuture.failedFuture(ex);
		}
		future.whenComplete((value, error) -> op.completions.incrementAndGet());
		return future;
	}

	/**
	 * Waits for the operation and records its outcome.
	 * @return false if it did not complete within {@link #HANG_SECONDS} (only {@code get(timeout)} can tell)
	 */
	private boolean awaitOutcome(ModelOp op, CompletableFuture<?> future, boolean join) {
		Object value;
		try {
			value = join ? future.join() : future.get(HANG_SECONDS, TimeUnit.SECONDS);
		}
		catch (RuntimeException | ExecutionException ex) {
			op.failed(Counters.unwrap(ex));
			return true;
		}
		catch (TimeoutException ex) {
			this.shared.violations.add("hung for " + HANG_SECONDS + " s: " + op);
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		op.acknowledged(unwrapOptional(value));
		switch (op.kind) {
			case INCREMENT -> this.shared.acknowledged(op.mutex, op.key, Long.parseLong(String.valueOf(op.result)));
			case PUT -> this.livePuts.computeIfAbsent(op.mutex, (name) -> new ArrayList<>()).add(op.key);
			case GET -> {
				long read = (op.result == null || op.result.isEmpty()) ? 0 : Long.parseLong(op.result);
				if (read < op.floor) {
					this.shared.violations.add("read " + read + " below the " + op.floor
							+ " acknowledged before it was issued: " + op);
				}
			}
			default -> {
			}
		}
		return true;
	}

	private static @Nullable Object unwrapOptional(@Nullable Object value) {
		if (value instanceof Optional<?> optional) {
			return optional.orElse(null);
		}
		return value;
	}

}
