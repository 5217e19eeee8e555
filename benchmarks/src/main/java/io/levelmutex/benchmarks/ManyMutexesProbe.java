package io.levelmutex.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

/**
 * Durable write throughput of many busy mutexes on one store, for a given size of the store's
 * cycle pool: how the pool size lets RocksDB group the WAL syncs of several mutexes. Each
 * mutex has a few closed-loop clients (the next put is issued from the previous one's
 * completion). Run with
 * {@code java -cp benchmarks/target/benchmarks.jar io.levelmutex.benchmarks.ManyMutexesProbe
 * <cycle threads> <mutexes> <clients per mutex>}.
 */
public final class ManyMutexesProbe {

	private static final byte[] VALUE = new byte[100];

	private ManyMutexesProbe() {
	}

	/**
	 * Runs one measurement and prints it.
	 * @param args cycle threads, mutexes, clients per mutex
	 * @throws Exception if the store fails
	 */
	public static void main(String[] args) throws Exception {
		int threads = Integer.parseInt(args[0]);
		int mutexes = Integer.parseInt(args[1]);
		int clients = Integer.parseInt(args[2]);
		try (DataDirectory directory = DataDirectory.create("many-mutexes");
				MutexStore store = MutexStore.open(StoreOptions.builder(directory.path()).cycleThreads(threads).build())) {
			LongAdder written = new LongAdder();
			AtomicBoolean stopped = new AtomicBoolean();
			List<CompletableFuture<Void>> clientsDone = new ArrayList<>();
			for (int m = 0; m < mutexes; m++) {
				Mutex<byte[], byte[]> mutex = store.mutex("m" + m);
				for (int c = 0; c < clients; c++) {
					CompletableFuture<Void> done = new CompletableFuture<>();
					clientsDone.add(done);
					next(mutex, ("client-" + c).getBytes(StandardCharsets.UTF_8), 0, written, stopped, done);
				}
			}
			window(1_000); // warm-up
			long before = written.sum();
			long start = System.nanoTime();
			window(3_000);
			long count = written.sum() - before;
			double seconds = (System.nanoTime() - start) / 1e9;
			stopped.set(true);
			CompletableFuture.allOf(clientsDone.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
			System.out.printf("cycle threads %d, %d mutexes x %d clients, durable: %,.0f writes/s%n", threads, mutexes,
					clients, count / seconds);
		}
	}

	private static void next(Mutex<byte[], byte[]> mutex, byte[] client, int round, LongAdder written,
			AtomicBoolean stopped, CompletableFuture<Void> done) {
		if (stopped.get()) {
			done.complete(null);
			return;
		}
		byte[] key = (new String(client, StandardCharsets.UTF_8) + "/" + (round % 100)).getBytes(StandardCharsets.UTF_8);
		mutex.put(key, VALUE).whenComplete((ignored, error) -> {
			if (error != null) {
				done.completeExceptionally(error);
				return;
			}
			written.increment();
			next(mutex, client, round + 1, written, stopped, done);
		});
	}

	private static void window(long millis) {
		// A measurement window: nothing waits on it for synchronisation.
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		long left;
		while ((left = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(left);
		}
	}

}
