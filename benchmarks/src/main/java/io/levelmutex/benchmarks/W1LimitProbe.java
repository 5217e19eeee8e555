package io.levelmutex.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Issue 22 item 2's W1 target in one JVM, rep by rep, to see what moves the mutex / limit ratio: the mutex
 * ({@code mutex}) and RocksDB's own write call with prebuilt batches of CLIENTS entries ({@code limit}),
 * optionally with BenchmarkMain's other W1 contenders between them ({@code raw}: the encode-in-loop batch at
 * the mutex's last mean batch, {@code put}: raw per-operation puts from CLIENTS threads). Each rep runs the
 * listed contenders in the given order on odd reps and reversed on even reps, a fresh store per contender; the
 * first WARMUP reps are printed and marked, and left out of the median of the per-rep mutex / limit ratios.
 *
 * <p>Per mutex run it also prints the cycle's period per batch (batch / ops/s), RocksDB's write call per
 * batch (the flush events), the process CPU and the {@code level-mutex-*} pool threads' CPU per operation, and,
 * on a jar with the measurement patch ({@code series-x/w1limit/fill-timer.patch}), the native fill and the
 * write call timed apart inside {@code RocksKeyspaceStorage.commit}.
 *
 * <p>{@code java -cp benchmarks.jar io.levelmutex.benchmarks.W1LimitProbe REPS WARMUP durable|non-durable
 * CLIENTS ORDER [WARMUP_MS MEASURE_MS]}, ORDER e.g. {@code mutex,limit} or {@code mutex,raw,limit,put}; a
 * {@code mutex:PROPERTY=VALUE} is a mutex made with that system property set (a switch of a measurement patch),
 * and every mutex is reported against the limit, two of them also against each other.
 */
public final class W1LimitProbe {

	private W1LimitProbe() {
	}

	public static void main(String[] args) throws Exception {
		int reps = Integer.parseInt(args[0]);
		int warmupReps = Integer.parseInt(args[1]);
		boolean durable = args[2].equals("durable");
		int clients = Integer.parseInt(args[3]);
		List<String> order = List.of(args[4].split(","));
		long warmup = args.length > 5 ? Long.parseLong(args[5]) : 400;
		long measure = args.length > 6 ? Long.parseLong(args[6]) : 800;
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		ClosedLoopDriver driver = new ClosedLoopDriver(Duration.ofMillis(warmup), Duration.ofMillis(measure));
		Workload w1 = Workload.blindWrites(SweepPlan.LARGE_KEYSPACE, SweepPlan.SEED);
		String label = durable ? "W1 durable" : "W1 non-durable";
		List<Double> ratios = new ArrayList<>();
		int lastBatch = clients;
		for (int rep = 0; rep < reps; rep++) {
			List<String> thisOrder = new ArrayList<>(order);
			if (rep % 2 == 1) {
				java.util.Collections.reverse(thisOrder);
			}
			StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "rep %d%s %s C=%d |", rep,
					rep < warmupReps ? " (warm-up)" : "", label, clients));
			java.util.Map<String, Double> rates = new java.util.LinkedHashMap<>();
			double limitRate = Double.NaN;
			for (String name : thisOrder) {
				Tally tally = new Tally();
				long[] fill0 = FillTimer.read();
				long[] cycle0 = CycleTimer.read();
				java.util.Map<Long, Long> threads0 = poolCpuByThread();
				long pool0 = poolCpu();
				long cpu0 = os.getProcessCpuTime();
				long jit0 = jitMillis();
				long gc0 = gcMillis();
				RunResult result;
				long pool1;
				java.util.Map<Long, Long> threads1;
				try (Contender contender = contender(name, w1, durable, clients, lastBatch)) {
					result = driver.run(label, contender, w1, clients, tally);
					pool1 = poolCpu();
					threads1 = poolCpuByThread();
				}
				long cpu1 = os.getProcessCpuTime();
				long jit = jitMillis() - jit0;
				long gc = gcMillis() - gc0;
				long[] fill1 = FillTimer.read();
				long[] cycle1 = CycleTimer.read();
				double ops = Math.max(1, tally.successes());
				if (tally.failures() > 0) {
					line.append(String.format(Locale.ROOT, " [%s: %d failures, first %s]", name, tally.failures(),
							tally.firstFailure()));
				}
				line.append(String.format(Locale.ROOT, " %s %,.0f", name, result.successesPerSecond()));
				if (name.startsWith("floor")) {
					line.append(String.format(Locale.ROOT, " (floor thread cpu/op %.2f us, cpu/op %.2f us)",
							(pool1 - pool0) / 1e3 / ops, (cpu1 - cpu0) / 1e3 / ops));
				}
				else if (name.startsWith("mutex")) {
					rates.put(name, result.successesPerSecond());
					lastBatch = (int) Math.max(1, Math.round(result.meanBatch()));
					double period = 1e6 * result.meanBatch() / result.successesPerSecond();
					line.append(String.format(Locale.ROOT,
							" (batch %.1f, cycle %.0f us/batch, write event %.0f us, cpu/op %.2f us, pool cpu/op %.2f us",
							result.meanBatch(), period, result.meanBatchWriteMicros(), (cpu1 - cpu0) / 1e3 / ops,
							(pool1 - pool0) / 1e3 / ops));
					long commits = fill1[2] - fill0[2];
					if (commits > 0) {
						line.append(String.format(Locale.ROOT,
								"; per commit: fill %.1f us, write %.1f us, entries %.1f, fill cpu %.1f us, write cpu %.1f us",
								(fill1[0] - fill0[0]) / 1e3 / commits, (fill1[1] - fill0[1]) / 1e3 / commits,
								(fill1[3] - fill0[3]) / (double) commits, (fill1[4] - fill0[4]) / 1e3 / commits,
								(fill1[5] - fill0[5]) / 1e3 / commits));
					}
					long batches = cycle1[0] - cycle0[0];
					long transitions = cycle1[9] - cycle0[9];
					if (batches > 0 && transitions > 0) {
						line.append(String.format(Locale.ROOT,
								"; per batch cpu (wall): take %.1f (%.1f), start %.1f (%.1f), complete %.1f (%.1f), to next batch %.1f (%.1f) us",
								(cycle1[5] - cycle0[5]) / 1e3 / batches, (cycle1[1] - cycle0[1]) / 1e3 / batches,
								(cycle1[6] - cycle0[6]) / 1e3 / batches, (cycle1[2] - cycle0[2]) / 1e3 / batches,
								(cycle1[7] - cycle0[7]) / 1e3 / batches, (cycle1[3] - cycle0[3]) / 1e3 / batches,
								(cycle1[8] - cycle0[8]) / 1e3 / transitions, (cycle1[4] - cycle0[4]) / 1e3 / transitions));
					}
					line.append(String.format(Locale.ROOT, "; pool threads' CPU shares %s)", shares(threads0, threads1)));
				}
				else {
					if (name.equals("limit")) {
						limitRate = result.successesPerSecond();
					}
					line.append(String.format(Locale.ROOT, " (cpu/op %.2f us)", (cpu1 - cpu0) / 1e3 / ops));
				}
				line.append(String.format(Locale.ROOT, " jit %d ms gc %d ms |", jit, gc));
			}
			List<String> mutexes = new ArrayList<>(rates.keySet());
			java.util.Collections.sort(mutexes);
			for (String mutex : mutexes) {
				double ratio = rates.get(mutex) / limitRate;
				if (rep >= warmupReps && !Double.isNaN(ratio) && mutex.equals(mutexes.get(0))) {
					ratios.add(ratio);
				}
				line.append(String.format(Locale.ROOT, " %s/limit %.2f", mutex, ratio));
			}
			if (mutexes.size() == 2) {
				line.append(String.format(Locale.ROOT, " %s/%s %.2f", mutexes.get(0), mutexes.get(1),
						rates.get(mutexes.get(0)) / rates.get(mutexes.get(1))));
			}
			line.append(String.format(Locale.ROOT, " | load %s", MachineInfo.loadAverage()));
			System.out.println(line);
		}
		double[] values = ratios.stream().mapToDouble(Double::doubleValue).toArray();
		Arrays.sort(values);
		System.out.printf(Locale.ROOT, "median (first mutex by name)/limit over %d reps after %d warm-up: %.2f (%.2f - %.2f)%n",
				values.length, warmupReps, values.length == 0 ? Double.NaN : Summary.median(values),
				values.length == 0 ? Double.NaN : values[0], values.length == 0 ? Double.NaN : values[values.length - 1]);
		System.exit(0);
	}

	private static Contender contender(String name, Workload w1, boolean durable, int clients, int lastBatch)
			throws Exception {
		if (name.startsWith("mutex:")) { // mutex:PROPERTY=VALUE, the property set while the mutex is made
			String setting = name.substring("mutex:".length());
			String property = setting.substring(0, setting.indexOf('='));
			String before = System.getProperty(property);
			System.setProperty(property, setting.substring(setting.indexOf('=') + 1));
			try {
				return new MutexContender(w1, durable);
			}
			finally {
				if (before == null) {
					System.clearProperty(property);
				}
				else {
					System.setProperty(property, before);
				}
			}
		}
		return switch (name) {
			case "mutex" -> new MutexContender(w1, durable);
			case "limit" -> new PrebuiltBatchContender(w1, durable, clients, clients);
			case "raw" -> new RawBatchContender(w1, durable, clients, lastBatch);
			case "put" -> new RawPutContender(w1, durable);
			case "floor" -> new HarnessFloor(false);
			case "floorkey" -> new HarnessFloor(true);
			default -> throw new IllegalArgumentException(
					"unknown contender " + name + ": mutex, limit, raw, put, floor, floorkey");
		};
	}

	/**
	 * The closed-loop harness's own floor: the clients' futures queued to one thread ({@code level-mutex-floor},
	 * counted as a pool thread) that completes every queued one in order, running their callbacks (the clients' next
	 * operations) inline as the mutex's cycle does, with no store: what the driver, the futures and a queue cost per
	 * operation. {@code floorkey} also reads each operation's key and value arrays (their lengths and a byte), as a
	 * mutex's put must: the first touch of a key drawn at random from W1's 100,000 (a cache miss the limit, whose
	 * batches were filled before its run, never pays).
	 */
	static final class HarnessFloor implements Contender.Async {

		// Whether execute reads the key and value arrays; immutable.
		private final boolean touch;

		// What the touched arrays add up to (kept so that the reads are not optimized away); client threads.
		private long touched;

		// Futures issued and not yet completed; the floor thread takes them.
		private final java.util.concurrent.LinkedBlockingQueue<java.util.concurrent.CompletableFuture<Void>> queue =
				new java.util.concurrent.LinkedBlockingQueue<>();

		private final Thread thread;

		// Set by close, read by the floor thread.
		private volatile boolean closed;

		HarnessFloor(boolean touch) {
			this.touch = touch;
			this.thread = new Thread(this::complete, "level-mutex-floor");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void complete() {
			List<java.util.concurrent.CompletableFuture<Void>> batch = new ArrayList<>();
			while (!this.closed) {
				try {
					java.util.concurrent.CompletableFuture<Void> first = this.queue.poll(10,
							java.util.concurrent.TimeUnit.MILLISECONDS);
					if (first == null) {
						continue;
					}
					batch.add(first);
					this.queue.drainTo(batch);
					for (java.util.concurrent.CompletableFuture<Void> future : batch) {
						future.complete(null);
					}
					batch.clear();
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		@Override
		public String name() {
			return this.touch ? "harness floor, keys read" : "harness floor";
		}

		@Override
		public java.util.concurrent.CompletableFuture<?> execute(Workload.Stream stream, Tally tally) {
			stream.next();
			byte[] key = java.util.Objects.requireNonNull(stream.key());
			byte[] value = java.util.Objects.requireNonNull(stream.value());
			if (this.touch) {
				this.touched += key.length + key[key.length - 1] + value.length;
			}
			java.util.concurrent.CompletableFuture<Void> future = new java.util.concurrent.CompletableFuture<>();
			this.queue.add(future);
			return future.handle((result, error) -> {
				tally.success();
				return null;
			});
		}

		@Override
		public byte @org.jspecify.annotations.Nullable [] readForVerification(byte[] key) {
			return null;
		}

		@Override
		public void close() {
			this.closed = true;
			try {
				this.thread.join(1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** Time the JIT compilers spent since the JVM started, milliseconds. */
	static long jitMillis() {
		java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		return (jit == null) ? 0 : jit.getTotalCompilationTime();
	}

	/** Time of all collections since the JVM started, milliseconds. */
	static long gcMillis() {
		long sum = 0;
		for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			sum += Math.max(0, gc.getCollectionTime());
		}
		return sum;
	}

	/** CPU time of each live cycle-pool thread ({@code level-mutex-*}) by thread id, nanoseconds. */
	static java.util.Map<Long, Long> poolCpuByThread() {
		ThreadMXBean mx = ManagementFactory.getThreadMXBean();
		java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("level-mutex-")) {
				cpu.put(thread.getId(), Math.max(0, mx.getThreadCpuTime(thread.getId())));
			}
		}
		return cpu;
	}

	/** The pool threads' shares of the pool's CPU between two readings, largest first, in percent. */
	static String shares(java.util.Map<Long, Long> before, java.util.Map<Long, Long> after) {
		List<Long> deltas = new ArrayList<>();
		long sum = 0;
		for (java.util.Map.Entry<Long, Long> entry : after.entrySet()) {
			long delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
			if (delta > 0) {
				deltas.add(delta);
				sum += delta;
			}
		}
		deltas.sort(java.util.Comparator.reverseOrder());
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < Math.min(4, deltas.size()); i++) {
			out.append(i == 0 ? "" : "/").append(Math.round(100.0 * deltas.get(i) / Math.max(1, sum)));
		}
		return out.append(" of ").append(deltas.size()).toString();
	}

	/** CPU time of the live cycle-pool threads ({@code level-mutex-*}), nanoseconds. */
	static long poolCpu() {
		ThreadMXBean mx = ManagementFactory.getThreadMXBean();
		long sum = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("level-mutex-")) {
				long cpu = mx.getThreadCpuTime(thread.getId());
				if (cpu > 0) {
					sum += cpu;
				}
			}
		}
		return sum;
	}

	/**
	 * The cycle-timer measurement patch's counters in {@code WritePhase} (batches; wall nanos of the batch's take,
	 * start, completion loop and the time from the previous batch's end; the same in thread CPU; transitions), or
	 * zeros on a jar without it ({@code series-y/w1jit/cycle-timer.patch}).
	 */
	static final class CycleTimer {

		private CycleTimer() {
		}

		static long[] read() {
			try {
				Class<?> type = Class.forName("io.levelmutex.WritePhase");
				java.lang.reflect.Field field = type.getDeclaredField("TIMES");
				field.setAccessible(true);
				java.util.concurrent.atomic.AtomicLongArray times = (java.util.concurrent.atomic.AtomicLongArray) field
					.get(null);
				long[] values = new long[10];
				for (int i = 0; i < 10; i++) {
					values[i] = times.get(i);
				}
				return values;
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return new long[10];
			}
		}

	}

	/**
	 * The measurement patch's counters in {@code RocksKeyspaceStorage} (fill and write wall nanos, commits,
	 * entries, fill and write thread-CPU nanos), or zeros on a jar without it.
	 */
	static final class FillTimer {

		private FillTimer() {
		}

		static long[] read() {
			try {
				Class<?> type = Class.forName("io.levelmutex.rocksdb.RocksKeyspaceStorage");
				java.lang.reflect.Field field = type.getDeclaredField("TIMES");
				field.setAccessible(true);
				java.util.concurrent.atomic.AtomicLongArray times = (java.util.concurrent.atomic.AtomicLongArray) field
					.get(null);
				long[] values = new long[6];
				for (int i = 0; i < 6; i++) {
					values[i] = times.get(i);
				}
				return values;
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return new long[6];
			}
		}

	}

}
