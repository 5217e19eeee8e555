package io.levelmutex.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import org.rocksdb.HistogramData;
import org.rocksdb.HistogramType;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.rocksdb.RocksStore;

/**
 * Where the thread hand-offs of durable many-mutex writes go (issue 22): the probe's closed-loop puts (as
 * {@link ManyMutexesProbe}), with, per batch, the CPU time and the context switches of each group of threads (cycle
 * pool, the store's committer, the rest), read from {@code /proc/self/task/*} (schedstat and status) before and
 * after the window, and RocksDB's own counts of WAL syncs and write calls (its statistics, on for this probe only):
 * batches per sync and per write call, and its own clock of the write calls ({@code rocks write us/call}: the whole
 * call, the WAL sync alone, the rest; the share of the window with a write call in flight, above 1 when calls
 * overlap; write-call time per completed write). Counts and CPU per batch hold under load better than rates. Linux only. Run with
 * {@code java -cp benchmarks/target/benchmarks.jar io.levelmutex.benchmarks.HandOffProbe <reps> <cycle threads,
 * 0 = default> <mutexes>x<clients>[:PROPERTY=VALUE] ...}: one warm-up pass, then each rep measures every side in
 * rotating order; a side's {@code PROPERTY=VALUE[,PROPERTY=VALUE...]} are system properties set while its store is opened (an A/B of two
 * settings of the same side in one JVM, e.g. {@code 32x8:io.levelmutex.cyclePool.queue=linked
 * 32x8:io.levelmutex.cyclePool.queue=transfer}). Each line also shows the bytes each group of threads allocated per
 * completed write ({@code alloc B/write}: a count that load does not change) and the puts' latency (call to
 * completion: mean, p50, p99). A side {@code <mutexes>x<clients>t<micros>} has clients that think that long between
 * a put's completion and their next put (a lightly loaded store whose mutexes do not come straight back).
 */
public final class HandOffProbe {


	private static final String[] GROUPS = { "cycle", "commit", "other" };

	private HandOffProbe() {
	}

	/**
	 * Runs the sides and prints one line per side and rep.
	 * @param args reps, cycle threads, then sides such as {@code 32x8 1x256}
	 * @throws Exception if a store fails
	 */
	public static void main(String[] args) throws Exception {
		int reps = Integer.parseInt(args[0]);
		int threads = Integer.parseInt(args[1]);
		List<String> sides = new ArrayList<>();
		for (int i = 2; i < args.length; i++) {
			sides.add(args[i]);
		}
		for (int rep = 0; rep <= reps; rep++) {
			for (int i = 0; i < sides.size(); i++) {
				String side = sides.get((i + rep) % sides.size());
				int colon = side.indexOf(':');
				String[] p = ((colon < 0) ? side : side.substring(0, colon)).split("x");
				Map<String, String> before = new HashMap<>(); // PROPERTY=VALUE[,PROPERTY=VALUE...]: restored after the side
				if (colon >= 0) {
					for (String setting : side.substring(colon + 1).split(",")) {
						String property = setting.substring(0, setting.indexOf('='));
						before.put(property, System.getProperty(property));
						System.setProperty(property, setting.substring(setting.indexOf('=') + 1));
					}
				}
				String line;
				try {
					String[] ct = p[1].split("t");
					line = measure(threads, Integer.parseInt(p[0]), Integer.parseInt(ct[0]),
							ct.length > 1 ? Long.parseLong(ct[1]) : 0, 1_000, 2_000);
				}
				finally {
					for (Map.Entry<String, String> e : before.entrySet()) {
						if (e.getValue() == null) {
							System.clearProperty(e.getKey());
						}
						else {
							System.setProperty(e.getKey(), e.getValue());
						}
					}
				}
				if (colon >= 0) {
					line = side.substring(colon + 1) + " " + line;
				}
				System.out.println((rep == 0 ? "warm-up " : "rep " + rep + " ") + line + " | load " + ManyMutexesProbe.loadAverage());
			}
		}
	}

	/** Per thread: CPU ns, voluntary and involuntary switches, and its group. */
	private record Sample(String group, long cpuNanos, long voluntary, long involuntary) {
	}

	/** Bytes allocated so far per group of threads (live Java threads, grouped by name as {@link #threads}). */
	private static double[] allocated() {
		com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		double[] bytes = new double[GROUPS.length];
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			String name = thread.getName();
			int g = name.startsWith("level-mutex-co") ? 1 : name.startsWith("level-mutex-") ? 0 : 2;
			long allocated = mx.getThreadAllocatedBytes(thread.getId());
			if (allocated > 0) {
				bytes[g] += allocated;
			}
		}
		return bytes;
	}

	private static Map<String, Sample> threads() throws IOException {
		Map<String, Sample> samples = new HashMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					String comm = Files.readString(task.resolve("comm")).trim();
					long cpu = Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]);
					long voluntary = 0;
					long involuntary = 0;
					for (String l : Files.readAllLines(task.resolve("status"))) {
						if (l.startsWith("voluntary_ctxt_switches:")) {
							voluntary = Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
						}
						else if (l.startsWith("nonvoluntary_ctxt_switches:")) {
							involuntary = Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
						}
					}
					String group = comm.startsWith("level-mutex-co") ? "commit"
							: comm.startsWith("level-mutex-") ? "cycle" : "other";
					samples.put(task.getFileName().toString(), new Sample(group, cpu, voluntary, involuntary));
				}
				catch (IOException | RuntimeException ended) {
					// the thread ended meanwhile
				}
			}
		}
		return samples;
	}

	static String measure(int threads, int mutexes, int clients, long thinkMicros, long warmupMillis,
			long windowMillis) throws Exception {
		try (DataDirectory directory = DataDirectory.create("hand-off")) {
			StoreOptions.Builder options = StoreOptions.builder();
			if (threads > 0) {
				options.cycleThreads(threads);
			}
			try (Statistics statistics = new Statistics();
					MutexStore store = RocksStore.builder(directory.path())
						.dbOptions((db) -> db.setStatistics(statistics))
						.storeOptions(options.build())
						.open()) {
				LongAdder written = new LongAdder();
				Latency latency = new Latency();
				AtomicBoolean stopped = new AtomicBoolean();
				List<CompletableFuture<Void>> clientsDone = new ArrayList<>();
				List<Mutex<byte[], byte[]>> all = new ArrayList<>();
				for (int m = 0; m < mutexes; m++) {
					Mutex<byte[], byte[]> mutex = store.mutex("m" + m);
					all.add(mutex);
					for (int c = 0; c < clients; c++) {
						CompletableFuture<Void> done = new CompletableFuture<>();
						clientsDone.add(done);
						next(mutex, ("client-" + c).getBytes(StandardCharsets.UTF_8), 0, written, stopped, done, latency,
								thinkMicros);
					}
				}
				ManyMutexesProbe.window(warmupMillis);
				long before = written.sum();
				long batchesBefore = batches(all);
				long syncsBefore = statistics.getTickerCount(TickerType.WAL_FILE_SYNCED);
				long callsBefore = writeCalls(statistics);
				HistogramData writeBefore = statistics.getHistogramData(HistogramType.DB_WRITE);
				HistogramData syncBefore = statistics.getHistogramData(HistogramType.WAL_FILE_SYNC_MICROS);
				Map<String, Sample> threadsBefore = threads();
				double[] allocatedBefore = allocated();
				long start = System.nanoTime();
				latency.reset();
				ManyMutexesProbe.window(windowMillis);
				long[] latencies = latency.snapshot();
				double meanLatency = latency.meanMicros();
				double[] allocatedAfter = allocated();
				Map<String, Sample> threadsAfter = threads();
				long syncs = statistics.getTickerCount(TickerType.WAL_FILE_SYNCED) - syncsBefore;
				long calls = writeCalls(statistics) - callsBefore;
				HistogramData writeAfter = statistics.getHistogramData(HistogramType.DB_WRITE);
				HistogramData syncAfter = statistics.getHistogramData(HistogramType.WAL_FILE_SYNC_MICROS);
				long count = written.sum() - before;
				long batches = Math.max(1, batches(all) - batchesBefore);
				double seconds = (System.nanoTime() - start) / 1e9;
				stopped.set(true);
				CompletableFuture.allOf(clientsDone.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
				double[] cpu = new double[3];
				double[] vol = new double[3];
				double[] invol = new double[3];
				for (Map.Entry<String, Sample> e : threadsAfter.entrySet()) {
					Sample a = e.getValue();
					Sample b = threadsBefore.getOrDefault(e.getKey(), new Sample(a.group(), 0, 0, 0));
					int g = List.of(GROUPS).indexOf(a.group());
					cpu[g] += a.cpuNanos() - b.cpuNanos();
					vol[g] += a.voluntary() - b.voluntary();
					invol[g] += a.involuntary() - b.involuntary();
				}
				StringBuilder line = new StringBuilder(String.format(
						"%dx%d%s threads %d: %,.0f writes/s, %.1f writes/batch, CPU/batch %.1f us", mutexes, clients,
						thinkMicros > 0 ? "t" + thinkMicros : "", threads, count / seconds, (double) count / batches, (cpu[0] + cpu[1] + cpu[2]) / 1e3 / batches));
				line.append(String.format(", %.2f batches/sync, %.2f batches/write call", (double) batches / Math.max(1, syncs),
						(double) batches / Math.max(1, calls)));
				// RocksDB's own clock: the write calls' time (WAL append, sync, memtable insert) and the syncs' alone
				long writeMicros = writeAfter.getSum() - writeBefore.getSum();
				long writeCount = Math.max(1, writeAfter.getCount() - writeBefore.getCount());
				long syncMicros = syncAfter.getSum() - syncBefore.getSum();
				long syncCount = Math.max(1, syncAfter.getCount() - syncBefore.getCount());
				line.append(String.format(
						" | rocks write us/call %.0f (sync %.0f, rest %.0f), writes in flight %.2f of the window, us/write %.2f",
						(double) writeMicros / writeCount, (double) syncMicros / syncCount,
						(double) (writeMicros - syncMicros) / writeCount, writeMicros / 1e6 / seconds,
						(double) writeMicros / Math.max(1, count)));
				for (int g = 0; g < 3; g++) {
					line.append(String.format(" | %s cpu %.1f us vol %.2f invol %.2f", GROUPS[g], cpu[g] / 1e3 / batches,
							vol[g] / batches, invol[g] / batches));
				}
				line.append(String.format(" | latency us mean %.0f p50 %.0f p99 %.0f", meanLatency,
						Latency.percentile(latencies, 0.50) / 1e3, Latency.percentile(latencies, 0.99) / 1e3));
				line.append(" | alloc B/write");
				for (int g = 0; g < 3; g++) {
					line.append(String.format(" %s %.0f", GROUPS[g], (allocatedAfter[g] - allocatedBefore[g]) / Math.max(1, count)));
				}
				return line.toString();
			}
		}
	}

	/** The probe's closed-loop put (as {@link ManyMutexesProbe}'s), timing each put from its call to its completion. */
	private static void next(Mutex<byte[], byte[]> mutex, byte[] client, int round, LongAdder written,
			AtomicBoolean stopped, CompletableFuture<Void> done, Latency latency, long thinkMicros) {
		if (stopped.get()) {
			done.complete(null);
			return;
		}
		byte[] key = (new String(client, StandardCharsets.UTF_8) + "/" + (round % 100)).getBytes(StandardCharsets.UTF_8);
		long started = System.nanoTime();
		mutex.put(key, VALUE).whenComplete((ignored, error) -> {
			if (error != null) {
				done.completeExceptionally(error);
				return;
			}
			latency.record(System.nanoTime() - started);
			written.increment();
			if (thinkMicros == 0) {
				next(mutex, client, round + 1, written, stopped, done, latency, thinkMicros);
			}
			else { // a client that thinks between its puts: the next one comes from the delay's thread
				CompletableFuture.delayedExecutor(thinkMicros, TimeUnit.MICROSECONDS)
					.execute(() -> next(mutex, client, round + 1, written, stopped, done, latency, thinkMicros));
			}
		});
	}

	private static final byte[] VALUE = new byte[100];

	/**
	 * Put latencies in buckets 2^(i/8) ns wide (about 9% apart): the closed loop's mean is clients / rate (Little's
	 * law), the percentiles come from here.
	 */
	static final class Latency {

		private final java.util.concurrent.atomic.AtomicLongArray buckets = new java.util.concurrent.atomic.AtomicLongArray(64 * 8);

		private final LongAdder sum = new LongAdder();

		private final LongAdder count = new LongAdder();

		void record(long nanos) {
			this.sum.add(nanos);
			this.count.increment();
			int b = (int) Math.min(64 * 8 - 1, Math.round(8 * Math.log(Math.max(1, nanos)) / Math.log(2)));
			this.buckets.incrementAndGet(b);
		}

		double meanMicros() {
			return this.sum.sum() / 1e3 / Math.max(1, this.count.sum());
		}

		void reset() {
			this.sum.reset();
			this.count.reset();
			for (int i = 0; i < this.buckets.length(); i++) {
				this.buckets.set(i, 0);
			}
		}

		long[] snapshot() {
			long[] copy = new long[this.buckets.length()];
			for (int i = 0; i < copy.length; i++) {
				copy[i] = this.buckets.get(i);
			}
			return copy;
		}

		static double percentile(long[] buckets, double q) {
			long total = 0;
			for (long b : buckets) {
				total += b;
			}
			long seen = 0;
			for (int i = 0; i < buckets.length; i++) {
				seen += buckets[i];
				if (total > 0 && seen >= q * total) {
					return Math.pow(2, i / 8.0);
				}
			}
			return Double.NaN;
		}

	}

	/** RocksDB's write calls so far: each leads a write group or joins one. */
	private static long writeCalls(Statistics statistics) {
		return statistics.getTickerCount(TickerType.WRITE_DONE_BY_SELF)
				+ statistics.getTickerCount(TickerType.WRITE_DONE_BY_OTHER);
	}

	private static long batches(List<Mutex<byte[], byte[]>> mutexes) {
		long sum = 0;
		for (Mutex<byte[], byte[]> mutex : mutexes) {
			sum += mutex.stats().batchesFlushed();
		}
		return sum;
	}

}
