package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.PostgresStore;

/**
 * Where the JVM's CPU goes per 256-write batch of blind puts at C=256 on PostgreSQL (issue 19's "blind puts C=256"
 * point), and how long the committing backend sits idle between commit calls: {@code clients} platform threads
 * (as series Q's closed-loop driver) each put a random key of 20,000 preloaded ones (100-byte values) and wait for
 * it, on one {@link PostgresStore} with a HikariCP pool of 8. Every OS thread of this process is read before and
 * after the measured puts ({@link C1CpuProbe#threads()}: user and system CPU, voluntary context switches, grouped by
 * thread name with numbers folded) and divided by the batches committed meanwhile (the keyspace's sequence delta);
 * a sampler reads {@code pg_stat_activity} every 2 ms (the database's client backends: active share, wait events).
 * No timing wrapper. Usage: {@code C256CpuProbe [rounds] [puts per round] [clients]}. Owned by the main thread.
 */
public final class C256CpuProbe {

	private static final int KEYS = 20_000;

	private static final int VALUE_BYTES = 100;

	private final PgServer server;

	private final long puts;

	private final int clients;

	private C256CpuProbe(PgServer server, long puts, int clients) {
		this.server = server;
		this.puts = puts;
		this.clients = clients;
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		long puts = (args.length > 1) ? Long.parseLong(args[1]) : 200_000;
		int clients = (args.length > 2) ? Integer.parseInt(args[2]) : 256;
		try (PgServer server = PgServer.start()) {
			System.out.println("# " + server.describe());
			C256CpuProbe probe = new C256CpuProbe(server, puts, clients);
			for (int round = 0; round < rounds; round++) {
				System.out.print("round " + (round + 1) + " " + probe.run(round));
			}
		}
	}

	private String run(int round) throws Exception {
		try (FreshDatabase database = this.server.freshDatabase("cpu256_" + round)) {
			HikariDataSource pool = database.pool("cpu256", 8);
			MutexStore store = PostgresStore.builder(pool).open();
			try {
				Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("probe").build(), Codecs.bytes(),
						Codecs.bytes());
				for (int from = 0; from < KEYS; from += 1000) {
					List<CompletableFuture<?>> pending = new ArrayList<>();
					for (int i = from; i < from + 1000; i++) {
						pending.add(mutex.put(keyAt(i), value()));
					}
					CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
				}
				drive(mutex, this.puts / 2); // warm-up (the JIT still compiles after a quarter)
				try (Connection sampling = this.server.connect(database.name())) {
					return measure(mutex, sampling, database.name());
				}
			}
			finally {
				store.close();
			}
		}
	}

	private String measure(Mutex<byte[], byte[]> mutex, Connection sampling, String databaseName) throws Exception {
		// the client threads live from before the first reading to after the last, so that their CPU is counted
		CountDownLatch go = new CountDownLatch(1);
		CountDownLatch finished = new CountDownLatch(this.clients);
		CountDownLatch exit = new CountDownLatch(1);
		AtomicLong left = new AtomicLong(this.puts);
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < this.clients; c++) {
			threads.add(new Thread(() -> {
				try {
					go.await();
					while (left.getAndDecrement() > 0) {
						mutex.put(keyAt(ThreadLocalRandom.current().nextInt(KEYS)), value()).join();
					}
					finished.countDown();
					exit.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "client-" + c));
		}
		threads.forEach(Thread::start);
		long sequenceBefore = sequence(sampling);
		Map<String, long[]> before = C1CpuProbe.threads();
		Sampler sampler = new Sampler(sampling, databaseName);
		Thread samplerThread = new Thread(sampler, "activity-sampler");
		samplerThread.start();
		long start = System.nanoTime();
		go.countDown();
		finished.await();
		long wall = System.nanoTime() - start;
		Map<String, long[]> after = C1CpuProbe.threads();
		sampler.stop = true;
		samplerThread.join();
		exit.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		long batches = sequence(sampling) - sequenceBefore;
		StringBuilder out = new StringBuilder();
		long[] total = new long[3];
		Map<String, long[]> delta = new TreeMap<>();
		after.forEach((name, a) -> {
			long[] b = before.getOrDefault(name, new long[3]);
			long[] d = { a[0] - b[0], a[1] - b[1], a[2] - b[2] };
			if (d[0] + d[1] + d[2] > 0 && !name.startsWith("activity-sampl")) {
				delta.put(name, d);
				for (int i = 0; i < 3; i++) {
					total[i] += d[i];
				}
			}
		});
		double perBatch = C1CpuProbe.TICK_NANOS / 1000.0 / batches;
		out.append(String.format(Locale.ROOT,
				"put C=%d: %.0f ops/s, %d batches (%.1f writes each, %.0f us each)  jvm cpu %.0f us/batch "
						+ "(user %.0f sys %.0f)  voluntary switches %.1f/batch  loadavg %s%n",
				this.clients, this.puts * 1e9 / wall, batches, this.puts / (double) batches, wall / 1000.0 / batches,
				(total[0] + total[1]) * perBatch, total[0] * perBatch, total[1] * perBatch,
				total[2] / (double) batches, C1LatencyProbe.loadavg()));
		out.append(String.format(Locale.ROOT,
				"    backends: %d samples, %.1f%% with a client backend active (%.1f%% of samples the committer idle); "
						+ "of active samples: %s%n",
				sampler.samples, 100.0 * sampler.busy / sampler.samples,
				100.0 * (sampler.samples - sampler.busy) / sampler.samples, sampler.events(sampler.busy)));
		delta.entrySet()
			.stream()
			.sorted((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]))
			.forEach((e) -> out.append(String.format(Locale.ROOT,
					"    %-34s cpu %6.1f us/batch (user %6.1f sys %6.1f)  switches %.1f/batch%n", e.getKey(),
					(e.getValue()[0] + e.getValue()[1]) * perBatch, e.getValue()[0] * perBatch,
					e.getValue()[1] * perBatch, e.getValue()[2] / (double) batches)));
		return out.toString();
	}

	/** {@code count} puts from {@link #clients} threads, each putting and waiting, as series Q's driver. */
	private void drive(Mutex<byte[], byte[]> mutex, long count) throws InterruptedException {
		AtomicLong left = new AtomicLong(count);
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < this.clients; c++) {
			threads.add(new Thread(() -> {
				while (left.getAndDecrement() > 0) {
					mutex.put(keyAt(ThreadLocalRandom.current().nextInt(KEYS)), value()).join();
				}
			}, "client-" + c));
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
	}

	private static long sequence(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT coalesce(sum(seq), 0) FROM level_mutex_keyspace")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private static byte[] keyAt(int i) {
		return ("key" + String.format(Locale.ROOT, "%08d", i)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
	}

	private static byte[] value() {
		byte[] value = new byte[VALUE_BYTES];
		ThreadLocalRandom.current().nextBytes(value);
		return value;
	}

	/** Samples the database's client backends every 2 ms; owned by its thread until {@link #stop}. */
	private static final class Sampler implements Runnable {

		private final Connection connection;

		private final String databaseName;

		// written by the main thread, read by the sampler
		volatile boolean stop;

		// written by the sampler thread, read by the main thread after join()
		long samples;

		long busy;

		final Map<String, Long> waits = new TreeMap<>();

		Sampler(Connection connection, String databaseName) {
			this.connection = connection;
			this.databaseName = databaseName;
		}

		@Override
		public void run() {
			try (PreparedStatement statement = this.connection.prepareStatement("""
					SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
					WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'
					    AND state = 'active' AND query NOT LIKE '%pg_notify%'""")) {
				statement.setString(1, this.databaseName);
				while (!this.stop) {
					this.samples++;
					boolean active = false;
					try (ResultSet rows = statement.executeQuery()) {
						while (rows.next()) {
							active = true;
							this.waits.merge(rows.getString(1), 1L, Long::sum);
						}
					}
					this.busy += active ? 1 : 0;
					Thread.sleep(2);
				}
			}
			catch (SQLException | InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}

		String events(long of) {
			StringBuilder out = new StringBuilder();
			this.waits.entrySet()
				.stream()
				.sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
				.forEach((e) -> out.append(String.format(Locale.ROOT, "%s %.0f%%, ", e.getKey(),
						100.0 * e.getValue() / Math.max(1, of))));
			return out.toString();
		}

	}

}
