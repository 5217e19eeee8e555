package io.levelmutex.reliability.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.Mutex;
import io.levelmutex.WriteConflictException;
import io.levelmutex.reliability.linearizability.Op.Kind;

/**
 * Runs seeded random get/put/del/conditional-update clients against a mutex and records the
 * history: each client keeps up to {@code window} operations in flight (1 = one at a time),
 * values written are unique, and every operation is recorded with its invocation time, its
 * completion time and its result. Conditional writes refused with a
 * {@link WriteConflictException} had no effect and are left out (and counted).
 */
public final class HistoryRecorder {

	/**
	 * What to run.
	 * @param clients concurrent clients
	 * @param opsPerClient operations per client
	 * @param keys the keys to use (few keys mean contention)
	 * @param window operations a client keeps in flight
	 * @param multiKey whether to include two-key updates and peeks of the whole keyspace
	 */
	public record Config(int clients, int opsPerClient, List<String> keys, int window, boolean multiKey) {
	}

	/**
	 * A recorded history.
	 * @param ops the completed operations
	 * @param conflicts conditional writes refused for a conflict (no effect)
	 * @param errors unexpected failures, as text
	 */
	public record History(List<Op> ops, int conflicts, List<String> errors) {
	}

	private HistoryRecorder() {
	}

	/**
	 * Records a history on one mutex.
	 * @param mutex the mutex
	 * @param config what to run
	 * @param seed the seed of the clients' choices
	 * @return the history
	 * @throws Exception if a client fails or does not finish in time
	 */
	public static History record(Mutex<String, String> mutex, Config config, long seed) throws Exception {
		return record(List.of(mutex), config, seed);
	}

	/**
	 * Records one history on several mutexes that share their keys (the same keyspace opened on
	 * several nodes): client {@code c} runs on {@code nodes.get(c % nodes.size())}.
	 * @param nodes the mutexes, one per node
	 * @param config what to run
	 * @param seed the seed of the clients' choices
	 * @return the history
	 * @throws Exception if a client fails or does not finish in time
	 */
	public static History record(List<Mutex<String, String>> nodes, Config config, long seed) throws Exception {
		List<Op> ops = Collections.synchronizedList(new ArrayList<>());
		List<String> errors = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger conflicts = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(config.clients());
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < config.clients(); c++) {
				int client = c;
				done.add(pool.submit(() -> {
					runClient(nodes.get(client % nodes.size()), config, new Random(seed * 7919 + client), client, ops, errors, conflicts);
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdown();
		}
		List<Op> all;
		synchronized (ops) {
			all = new ArrayList<>(ops);
		}
		return new History(all, conflicts.get(), new ArrayList<>(errors));
	}

	private static void runClient(Mutex<String, String> mutex, Config config, Random random, int client, List<Op> ops,
			List<String> errors, AtomicInteger conflicts) throws Exception {
		Deque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
		for (int i = 0; i < config.opsPerClient(); i++) {
			String key = config.keys().get(random.nextInt(config.keys().size()));
			String token = "c" + client + "-" + i;
			int dice = random.nextInt(config.multiKey() ? 100 : 85);
			long invoked = System.nanoTime();
			CompletableFuture<?> future;
			if (dice < 30) {
				future = mutex.get(key)
					.whenComplete((result, ex) -> add(ops, errors, conflicts, Kind.GET, List.of(key), null,
							(result != null) ? result.orElse(null) : null, invoked, ex));
			}
			else if (dice < 50) {
				future = mutex.put(key, token)
					.whenComplete((result, ex) -> add(ops, errors, conflicts, Kind.PUT, List.of(key), token, null, invoked, ex));
			}
			else if (dice < 60) {
				future = mutex.del(key)
					.whenComplete((result, ex) -> add(ops, errors, conflicts, Kind.DEL, List.of(key), null, null, invoked, ex));
			}
			else if (dice < 85) {
				future = mutex.update((context) -> {
					Optional<String> old = context.get(key);
					context.put(key, KeyValueModel.appended(old.orElse(null), token));
					return old;
				}, 8).whenComplete((result, ex) -> add(ops, errors, conflicts, Kind.APPEND, List.of(key), token,
						(result != null) ? result.orElse(null) : null, invoked, ex));
			}
			else if (dice < 93) {
				String other = config.keys().get(random.nextInt(config.keys().size()));
				if (other.equals(key)) {
					other = key + "x";
				}
				String second = other;
				future = mutex.update((context) -> {
					String first = context.get(key).orElse(null);
					String next = context.get(second).orElse(null);
					context.put(key, KeyValueModel.appended(first, token));
					context.put(second, KeyValueModel.appended(next, token));
					return Arrays.asList(first, next);
				}, 8).whenComplete((result, ex) -> add(ops, errors, conflicts, Kind.TRANSFER, List.of(key, second), token,
						result, invoked, ex));
			}
			else {
				future = mutex.peekLast()
					.whenComplete((result, ex) -> add(ops, errors, conflicts, Kind.PEEK_LAST, List.of(), null,
							(result != null && result.isPresent()) ? List.of(result.get().key(), result.get().value()) : null,
							invoked, ex));
			}
			inFlight.add(future);
			if (inFlight.size() >= config.window()) {
				inFlight.poll().handle((result, ex) -> null).get(60, TimeUnit.SECONDS);
			}
		}
		for (CompletableFuture<?> future : inFlight) {
			future.handle((result, ex) -> null).get(60, TimeUnit.SECONDS);
		}
	}

	private static void add(List<Op> ops, List<String> errors, AtomicInteger conflicts, Kind kind, List<String> keys,
			String argument, Object result, long invoked, Throwable ex) {
		long completed = System.nanoTime();
		if (ex == null) {
			ops.add(new Op(0, kind, keys, argument, result, invoked, completed));
			return;
		}
		Throwable cause = (ex instanceof CompletionException) ? ex.getCause() : ex;
		if (cause instanceof WriteConflictException) {
			conflicts.incrementAndGet();
		}
		else {
			errors.add(kind + " " + keys + ": " + cause);
		}
	}

}
