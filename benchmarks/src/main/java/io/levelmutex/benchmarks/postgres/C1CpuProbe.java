package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.PostgresStore;

/**
 * Where the JVM's CPU goes per C=1 operation on PostgreSQL, without any statement-timing wrapper (unlike
 * {@link C1LatencyProbe}, whose wrapper's regular expressions are themselves a large part of the CPU it reports):
 * every OS thread of this process ({@code /proc/self/task/*}, so JIT compiler and GC threads too) is read before
 * and after the measured operations, its user and system CPU and its voluntary context switches, grouped by
 * thread name with numbers folded. Points, alternated in rotated order every round, each on a fresh database with
 * 1,000 preloaded keys and a plain HikariCP pool of 8: {@code upsert} (autocommit single-row upsert),
 * {@code optimistic} (JPA-style read then versioned update, one transaction), {@code put} and {@code update}
 * (the mutex, future + join()), {@code put-blocking} (the put through {@code Mutex.blocking()}: its cycle runs on the
 * caller). Usage: {@code C1CpuProbe [rounds] [ops] [points,...]}. Owned by the main thread.
 */
public final class C1CpuProbe {

	private static final int KEYS = 1000;

	static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

	private final PgServer server;

	private final int ops;

	private final SplittableRandom random = new SplittableRandom(19);

	private C1CpuProbe(PgServer server, int ops) {
		this.server = server;
		this.ops = ops;
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		int ops = (args.length > 1) ? Integer.parseInt(args[1]) : 3000;
		List<String> points = (args.length > 2) ? List.of(args[2].split(","))
				: List.of("upsert", "put", "optimistic", "update");
		try (PgServer server = PgServer.start()) {
			System.out.println("# " + server.describe());
			C1CpuProbe probe = new C1CpuProbe(server, ops);
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < points.size(); i++) {
					String point = points.get((i + round) % points.size());
					System.out.print("round " + (round + 1) + " " + probe.run(point));
				}
			}
		}
	}

	private String run(String point) throws Exception {
		try (FreshDatabase database = this.server.freshDatabase("cpu_" + point)) {
			HikariDataSource pool = database.pool("cpu-" + point, 8);
			if (point.equals("upsert") || point.equals("optimistic")) {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.execute("CREATE TABLE kv (k bytea PRIMARY KEY, v bytea NOT NULL, version bigint NOT NULL DEFAULT 0)");
					statement.execute("INSERT INTO kv (k, v) SELECT int4send(i), decode(repeat('00', 100), 'hex') "
							+ "FROM generate_series(0, " + (KEYS - 1) + ") i");
				}
				return measure(point, point.equals("upsert") ? () -> upsert(pool) : () -> optimistic(pool));
			}
			MutexStore store = PostgresStore.builder(pool).open();
			try {
				Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("probe").build(), Codecs.bytes(),
						Codecs.bytes());
				List<CompletableFuture<?>> pending = new ArrayList<>();
				for (int i = 0; i < KEYS; i++) {
					pending.add(mutex.put(keyAt(i), C1LatencyProbe.withRevision(0)));
				}
				CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
				if (point.equals("put-blocking")) { // a lone writer's put through Mutex.blocking(): its cycle on the caller
					io.levelmutex.BlockingMutex<byte[], byte[]> blocking = mutex.blocking();
					return measure(point, () -> blocking.put(key(), value()));
				}
				return measure(point, point.equals("put") ? () -> mutex.put(key(), value()).join() : () -> {
					byte[] key = key();
					mutex.update((context) -> {
						Optional<byte[]> current = context.get(key);
						long revision = current.map(C1LatencyProbe::revision).orElse(0L);
						context.put(key, C1LatencyProbe.withRevision(revision + 1));
						return Boolean.TRUE;
					}, 16).join();
				});
			}
			finally {
				store.close();
			}
		}
	}

	private void upsert(HikariDataSource pool) throws Exception {
		try (Connection connection = pool.getConnection(); PreparedStatement upsert = connection.prepareStatement(
				"INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v")) {
			upsert.setBytes(1, key());
			upsert.setBytes(2, value());
			upsert.executeUpdate();
		}
	}

	private void optimistic(HikariDataSource pool) throws Exception {
		try (Connection connection = pool.getConnection()) {
			OptimisticUpdateContender.update(connection, key(), value());
		}
	}

	private interface Op {

		void run() throws Exception;

	}

	private String measure(String point, Op op) throws Exception {
		int warm = Math.max(1000, this.ops);
		for (int i = 0; i < warm; i++) {
			op.run();
		}
		Map<String, long[]> before = threads();
		Map<String, long[]> javaBefore = javaThreads();
		long start = System.nanoTime();
		for (int i = 0; i < this.ops; i++) {
			op.run();
		}
		long wall = System.nanoTime() - start;
		Map<String, long[]> after = threads();
		Map<String, long[]> javaAfter = javaThreads();
		StringBuilder out = new StringBuilder();
		long[] total = new long[3];
		Map<String, long[]> delta = new TreeMap<>();
		after.forEach((name, a) -> {
			long[] b = before.getOrDefault(name, new long[3]);
			long[] d = { a[0] - b[0], a[1] - b[1], a[2] - b[2] };
			if (d[0] + d[1] + d[2] > 0) {
				delta.put(name, d);
				for (int i = 0; i < 3; i++) {
					total[i] += d[i];
				}
			}
		});
		out.append(String.format(Locale.ROOT, "%-10s mean %7.1f us  jvm cpu %6.1f us/op (user %6.1f sys %6.1f)  "
				+ "voluntary switches %.2f/op  loadavg %s%n", point, wall / 1000.0 / this.ops,
				(total[0] + total[1]) * (double) TICK_NANOS / 1000 / this.ops, total[0] * (double) TICK_NANOS / 1000 / this.ops,
				total[1] * (double) TICK_NANOS / 1000 / this.ops, total[2] / (double) this.ops, C1LatencyProbe.loadavg()));
		delta.entrySet()
			.stream()
			.sorted((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]))
			.forEach((e) -> out.append(String.format(Locale.ROOT,
					"    %-34s cpu %6.1f us/op (user %6.1f sys %6.1f)  switches %.2f/op%n", e.getKey(),
					(e.getValue()[0] + e.getValue()[1]) * (double) TICK_NANOS / 1000 / this.ops,
					e.getValue()[0] * (double) TICK_NANOS / 1000 / this.ops,
					e.getValue()[1] * (double) TICK_NANOS / 1000 / this.ops, e.getValue()[2] / (double) this.ops)));
		javaAfter.forEach((name, a) -> {
			long[] b = javaBefore.getOrDefault(name, new long[2]);
			if (a[0] - b[0] >= 1000L * this.ops) {
				out.append(String.format(Locale.ROOT, "    java thread %-40s cpu %6.1f us/op (user %6.1f)%n", name,
						(a[0] - b[0]) / 1000.0 / this.ops, (a[1] - b[1]) / 1000.0 / this.ops));
			}
		});
		return out.toString();
	}

	/** Java thread name (numbers folded) -> {CPU ns, user ns}, summed over live threads. */
	private static Map<String, long[]> javaThreads() {
		java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
		Map<String, long[]> result = new TreeMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			long cpu = mx.getThreadCpuTime(thread.getId());
			long user = mx.getThreadUserTime(thread.getId());
			if (cpu < 0) {
				continue;
			}
			String name = thread.getName().replaceAll("-[0-9]+$", "-N").replaceAll("[0-9a-f]{5,}", "X");
			long[] sum = result.computeIfAbsent(name, (n) -> new long[2]);
			sum[0] += cpu;
			sum[1] += user;
		}
		return result;
	}

	/** Thread name (numbers folded) -> {user ticks, system ticks, voluntary context switches}, summed. */
	static Map<String, long[]> threads() throws IOException {
		Map<String, long[]> result = new TreeMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					String stat = Files.readString(task.resolve("stat"));
					String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					long switches = 0;
					for (String line : Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:")) {
							switches = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
					String name = comm.replaceAll("[0-9]+", "N");
					long[] sum = result.computeIfAbsent(name, (n) -> new long[3]);
					sum[0] += Long.parseLong(fields[11]);
					sum[1] += Long.parseLong(fields[12]);
					sum[2] += switches;
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			}
		}
		return result;
	}

	private byte[] key() {
		return keyAt(this.random.nextInt(KEYS));
	}

	private static byte[] keyAt(int i) {
		return new byte[] { (byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i };
	}

	private byte[] value() {
		return C1LatencyProbe.withRevision(this.random.nextLong());
	}

}
