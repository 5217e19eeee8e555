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
 * <cycle threads> <mutexes> <clients per mutex> [group commit: true (default) or false]}, or, for the issue's
 * ratios measured side by side in one JVM, {@code ... ManyMutexesProbe series <reps>}: after one warm-up pass,
 * each rep measures 1 x 256, 32 x 8 and 256 x 1 with group commit on and off (the order rotating per rep) and
 * prints the rep's ratios, then their medians.
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
		if (args.length > 0 && args[0].equals("series")) {
			series(Math.max(1, args.length > 1 ? Integer.parseInt(args[1]) : 5));
			return;
		}
		int threads = Integer.parseInt(args[0]);
		int mutexes = Integer.parseInt(args[1]);
		int clients = Integer.parseInt(args[2]);
		boolean groupCommit = args.length < 4 || Boolean.parseBoolean(args[3]);
		double rate = measure(threads, mutexes, clients, 1_000, 3_000, groupCommit);
		System.out.printf("cycle threads %d, %d mutexes x %d clients, durable, group commit %s: %,.0f writes/s,"
				+ " %.1f us CPU/write (process, over the window)%n", threads, mutexes, clients, groupCommit, rate,
				lastCpuMicrosPerWrite);
	}

	/** The six sides of {@link #series}: mutexes, clients per mutex, group commit. */
	private static final int[][] SIDES = { { 1, 256, 1 }, { 1, 256, 0 }, { 32, 8, 1 }, { 32, 8, 0 }, { 256, 1, 1 },
			{ 256, 1, 0 } };

	/**
	 * Every side of {@link #SIDES} in each rep, rotated, after one warm-up pass; prints each rep's rates and ratios
	 * (32x8 / 1x256 and 256x1 / 1x256 with group commit on, each side on / off), then the medians of the ratios.
	 */
	private static void series(int reps) throws Exception {
		String[] names = { "32x8/1x256 on", "256x1/1x256 on", "1x256 on/off", "32x8 on/off", "256x1 on/off",
				"32x8/1x256 off", "256x1/1x256 off" };
		List<double[]> ratios = new ArrayList<>();
		for (int rep = 0; rep <= reps; rep++) {
			double[] rate = new double[SIDES.length];
			double[] cpu = new double[SIDES.length];
			for (int i = 0; i < SIDES.length; i++) {
				int side = (i + rep) % SIDES.length;
				int[] s = SIDES[side];
				rate[side] = measure(0, s[0], s[1], 1_000, 2_000, s[2] == 1);
				cpu[side] = lastCpuMicrosPerWrite;
			}
			StringBuilder line = new StringBuilder(rep == 0 ? "warm-up" : "rep " + rep);
			for (int side = 0; side < SIDES.length; side++) {
				int[] s = SIDES[side];
				line.append(String.format(" | %dx%d %s %,.0f/s %.1fus", s[0], s[1], s[2] == 1 ? "on" : "off", rate[side],
						cpu[side]));
			}
			double[] r = { rate[2] / rate[0], rate[4] / rate[0], rate[0] / rate[1], rate[2] / rate[3], rate[4] / rate[5],
					rate[3] / rate[1], rate[5] / rate[1] };
			for (int k = 0; k < r.length; k++) {
				line.append(String.format(" | %s %.2f", names[k], r[k]));
			}
			System.out.println(line + " | load " + loadAverage());
			if (rep > 0) {
				ratios.add(r);
			}
		}
		StringBuilder medians = new StringBuilder("medians of " + reps + " reps");
		for (int k = 0; k < names.length; k++) {
			double[] values = new double[ratios.size()];
			for (int i = 0; i < values.length; i++) {
				values[i] = ratios.get(i)[k];
			}
			java.util.Arrays.sort(values);
			int n = values.length;
			double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
			medians.append(String.format(" | %s %.2f (%.2f - %.2f)", names[k], median, values[0], values[n - 1]));
		}
		System.out.println(medians);
	}

	/** @return /proc/loadavg's whole line (load averages, running/all tasks, last pid); also {@link HandOffProbe}'s */
	static String loadAverage() {
		try {
			return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
		}
		catch (java.io.IOException ex) {
			return "n/a";
		}
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

	/**
	 * One closed-loop client: puts a 100-byte value under one of its 100 keys, and on completion the next, until
	 * {@code stopped}; {@code done} completes when it stops (exceptionally on the first failed put). Also
	 * {@link HandOffProbe}'s client.
	 */
	static void next(Mutex<byte[], byte[]> mutex, byte[] client, int round, LongAdder written,
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

	/** Waits out a measurement window; also {@link HandOffProbe}'s. */
	static void window(long millis) {
		// A measurement window: nothing waits on it for synchronisation.
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		long left;
		while ((left = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(left);
		}
	}

}
