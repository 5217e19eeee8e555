package io.levelmutex.benchmarks.postgres;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.PostgresStore;

/**
 * A trace of single C=1 operations on PostgreSQL, for {@code strace -f -tt}: after a warm-up it prints its process
 * id, waits until a go file exists (the tracer attached), then runs a few operations writing a marker to
 * {@code /dev/null} at each step it can see (caller issues, update function entered, caller resumed), so the
 * syscall trace shows every wake-up, socket round trip and thread between the markers. No wrapper: the pool and
 * the engine run as built. Points: {@code update} (the mutex's update(), read-increment-write), {@code put},
 * {@code optimistic} (JPA-style update, one transaction). Usage:
 * {@code C1UpdateTrace point [warm-up ops] [traced ops] [go file]}. Owned by the main thread.
 */
public final class C1UpdateTrace {

	private static final int KEYS = 1000;

	private static FileOutputStream marks;

	private C1UpdateTrace() {
	}

	public static void main(String[] args) throws Exception {
		String point = args[0];
		int warm = (args.length > 1) ? Integer.parseInt(args[1]) : 3000;
		int traced = (args.length > 2) ? Integer.parseInt(args[2]) : 5;
		Path go = Path.of((args.length > 3) ? args[3] : "/tmp/c1-trace-go");
		marks = new FileOutputStream("/dev/null");
		SplittableRandom random = new SplittableRandom(19);
		try (PgServer server = PgServer.start(); FreshDatabase database = server.freshDatabase("trace_" + point)) {
			HikariDataSource pool = database.pool("trace-" + point, 8);
			MutexStore store = null;
			Op op;
			if (point.equals("optimistic")) {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.execute("CREATE TABLE kv (k bytea PRIMARY KEY, v bytea NOT NULL, version bigint NOT NULL DEFAULT 0)");
					statement.execute("INSERT INTO kv (k, v) SELECT int4send(i), decode(repeat('00', 100), 'hex') "
							+ "FROM generate_series(0, " + (KEYS - 1) + ") i");
				}
				op = (i) -> {
					try (Connection connection = pool.getConnection()) {
						mark("fn " + i);
						OptimisticUpdateContender.update(connection, keyAt(random.nextInt(KEYS)),
								C1LatencyProbe.withRevision(random.nextLong()));
					}
				};
			}
			else {
				store = PostgresStore.builder(pool).open();
				Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("probe").build(), Codecs.bytes(),
						Codecs.bytes());
				List<CompletableFuture<?>> pending = new ArrayList<>();
				for (int i = 0; i < KEYS; i++) {
					pending.add(mutex.put(keyAt(i), C1LatencyProbe.withRevision(0)));
				}
				CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
				op = point.equals("put")
						? (i) -> mutex.put(keyAt(random.nextInt(KEYS)), C1LatencyProbe.withRevision(random.nextLong()))
							.join()
						: (i) -> {
							byte[] key = keyAt(random.nextInt(KEYS));
							mutex.update((context) -> {
								mark("fn " + i + " attempt " + context.attempt());
								Optional<byte[]> current = context.get(key);
								mark("fn-read " + i);
								long revision = current.map(C1LatencyProbe::revision).orElse(0L);
								context.put(key, C1LatencyProbe.withRevision(revision + 1));
								return Boolean.TRUE;
							}, 16).join();
						};
			}
			try {
				for (int i = 0; i < warm; i++) {
					op.run(-1);
				}
				System.out.println("pid " + ProcessHandle.current().pid() + " ready; loadavg "
						+ C1LatencyProbe.loadavg());
				System.out.flush();
				while (!Files.exists(go)) {
					TimeUnit.MILLISECONDS.sleep(50); // waiting for the tracer to attach: not synchronisation
				}
				for (int i = 0; i < traced; i++) {
					mark("issue " + i);
					op.run(i);
					mark("done " + i);
				}
				System.out.println("traced " + traced + "; loadavg " + C1LatencyProbe.loadavg());
			}
			finally {
				if (store != null) {
					store.close();
				}
			}
		}
	}

	private static void mark(String what) {
		try {
			marks.write(("MARK " + what).getBytes(StandardCharsets.US_ASCII));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	private interface Op {

		void run(int index) throws Exception;

	}

	private static byte[] keyAt(int i) {
		return new byte[] { (byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i };
	}

}
