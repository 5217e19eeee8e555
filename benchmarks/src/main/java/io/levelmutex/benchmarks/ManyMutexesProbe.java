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
import io.levelmutex.rocksdb.RocksStore;

/**
 * Durable write throughput of many busy mutexes on one store, for a given size of the store's
 * cycle pool: how the pool size lets RocksDB group the WAL syncs of several mutexes. Each
 * mutex has a few closed-loop clients (the next put is issued from the previous one's
 * completion). Run with
 * {@code java -cp benchmarks/target/benchmarks.jar io.levelmutex.benchmarks.ManyMutexesProbe
 * <cycle threads> <mutexes> <clients per mutex> [group commit: true (default) or false]}.
 */
public final class ManyMutexesProbe {

	private static final byte[] VALUE = new byte[100];

	/** The probe's workload label in results. */
	static final String LABEL = "Many mutexes, durable puts, 256 clients in all";

	/** The many-mutexes side's contender name in results. */
	static final String MANY = "32 mutexes x 8 clients";

	/** The one-mutex side's contender name in results. */
	static final String ONE = "1 mutex x 256 clients";

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
		boolean groupCommit = args.length < 4 || Boolean.parseBoolean(args[3]);
		double rate = measure(threads, mutexes, clients, 1_000, 3_000, groupCommit);
		System.out.printf("cycle threads %d, %d mutexes x %d clients, durable, group commit %s: %,.0f writes/s,"
				+ " %.1f us CPU/write (process, over the window)%n", threads, mutexes, clients, groupCommit, rate,
				lastCpuMicrosPerWrite);
	}

	/**
	 * Both sides of the report's probe at the store's default cycle pool, one after the other
	 * (the one mutex first in odd runs, second in even ones).
	 * @param runNumber the run's number, from 1
	 * @param warmup the warm-up of each side
	 * @param window the measurement window of each side
	 * @return one result per side
	 * @throws Exception if a store fails
	 */
	static List<RunResult> reportPoints(int runNumber, java.time.Duration warmup, java.time.Duration window)
			throws Exception {
		List<RunResult> results = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			boolean one = (i == 0) == (runNumber % 2 == 1);
			double rate = one ? measure(0, 1, 256, warmup.toMillis(), window.toMillis())
					: measure(0, 32, 8, warmup.toMillis(), window.toMillis());
			results.add(new RunResult(LABEL, one ? ONE : MANY, 256, rate, rate, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1));
		}
		return results;
	}

	/**
	 * Measures durable puts per second of {@code mutexes} busy mutexes on one fresh store.
	 * @param threads the store's cycle threads, or 0 for the store's default
	 * @param mutexes how many mutexes write
	 * @param clients closed-loop clients per mutex
	 * @param warmupMillis the warm-up
	 * @param windowMillis the measurement window
	 * @return completed puts per second over the window
	 * @throws Exception if the store fails
	 */
	static double measure(int threads, int mutexes, int clients, long warmupMillis, long windowMillis)
			throws Exception {
		return measure(threads, mutexes, clients, warmupMillis, windowMillis, true);
	}

	/**
	 * As {@link #measure(int, int, int, long, long)}, with or without the store's group commit.
	 * @param threads the store's cycle threads, or 0 for the store's default
	 * @param mutexes how many mutexes write
	 * @param clients closed-loop clients per mutex
	 * @param warmupMillis the warm-up
	 * @param windowMillis the measurement window
	 * @param groupCommit whether durable batches go through the store's committer
	 * @return completed puts per second over the window
	 * @throws Exception if the store fails
	 */
	static double measure(int threads, int mutexes, int clients, long warmupMillis, long windowMillis,
			boolean groupCommit) throws Exception {
		try (DataDirectory directory = DataDirectory.create("many-mutexes")) {
			StoreOptions.Builder options = StoreOptions.builder();
			if (threads > 0) {
				options.cycleThreads(threads);
			}
			try (MutexStore store = RocksStore.builder(directory.path()).storeOptions(options.build())
				.groupCommit(groupCommit).open()) {
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
				window(warmupMillis);
				long before = written.sum();
				long cpuBefore = processCpuNanos();
				long start = System.nanoTime();
				window(windowMillis);
				long count = written.sum() - before;
				lastCpuMicrosPerWrite = (processCpuNanos() - cpuBefore) / 1e3 / Math.max(1, count);
				double seconds = (System.nanoTime() - start) / 1e9;
				stopped.set(true);
				CompletableFuture.allOf(clientsDone.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
				return count / seconds;
			}
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

	/** CPU per completed write of the last {@link #measure} window (process CPU: robust on a shared machine). */
	private static volatile double lastCpuMicrosPerWrite;

	private static long processCpuNanos() {
		java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.OperatingSystemMXBean sun) ? sun.getProcessCpuTime() : 0;
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
