package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server crashes ({@code pg_ctl stop -m immediate}) under load from three nodes and restarts: every call
 * returns or fails typed, every acknowledged batch survives whole, a batch reported not applied left nothing, a
 * batch of unknown outcome is all there or all absent, sequences stay gapless, and the nodes commit again
 * without being reopened.
 */
class CrashTest extends ClusterTestSupport implements ClusterTestSupport.OwnCluster {

	private enum Outcome {
		ACKNOWLEDGED, NOT_APPLIED, UNKNOWN
	}

	private record Call(UUID batchId, String key, Outcome outcome, long sequence) {
	}

	@Test
	void whenTheServerCrashesUnderLoadThenAcknowledgedBatchesSurviveAndEveryCallEndsTyped() throws Exception {
		PostgresSettings settings = fastSettings().withWaits(Duration.ofSeconds(2), Duration.ofMillis(500));
		List<TestNode> nodes = new ArrayList<>();
		for (int n = 0; n < 3; n++) {
			PGSimpleDataSource dataSource = newDatabase();
			dataSource.setSocketTimeout(60);
			nodes.add(TestNode.open(dataSource, settings, true));
		}
		PostgresKeyspace ks = nodes.get(0).keyspace("load");
		int threads = 6;
		ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
		AtomicInteger acknowledged = new AtomicInteger();
		AtomicBoolean crashed = new AtomicBoolean();
		AtomicBoolean restarted = new AtomicBoolean();
		AtomicBoolean stop = new AtomicBoolean();
		CountDownLatch enoughBeforeCrash = new CountDownLatch(30);
		CountDownLatch failedAfterCrash = new CountDownLatch(threads);
		CountDownLatch acknowledgedAfterRestart = new CountDownLatch(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			TestNode node = nodes.get(t % 3);
			int thread = t;
			futures.add(pool.submit(() -> {
				boolean sawFailure = false;
				boolean sawAckAfterRestart = false;
				for (int i = 0; !stop.get(); i++) {
					String key = "t" + thread + "/" + i;
					TestBatch batch = TestBatch.of(List.of(TestBatch.put(bytes(key), bytes("v")),
							TestBatch.put(bytes("last/" + thread), bytes(Integer.toString(i)))));
					boolean afterRestart = restarted.get();
					try {
						Committed result = node.commit(ks, batch);
						calls.add(new Call(batch.id(), key, Outcome.ACKNOWLEDGED, result.sequence()));
						acknowledged.incrementAndGet();
						enoughBeforeCrash.countDown();
						if (afterRestart && !sawAckAfterRestart) {
							sawAckAfterRestart = true;
							acknowledgedAfterRestart.countDown();
						}
						continue;
					}
					catch (PostgresOutcomeUnknownException ex) {
						calls.add(new Call(batch.id(), key, Outcome.UNKNOWN, -1));
					}
					catch (PostgresUnavailableException ex) {
						calls.add(new Call(batch.id(), key, Outcome.NOT_APPLIED, -1));
					}
					catch (Throwable ex) {
						unexpected.add(ex);
						return null;
					}
					if (crashed.get() && !sawFailure) {
						sawFailure = true;
						failedAfterCrash.countDown();
					}
				}
				return null;
			}));
		}
		try {
			assertThat(enoughBeforeCrash.await(120, TimeUnit.SECONDS)).isTrue();
			crashed.set(true);
			cluster.crash();
			assertThat(failedAfterCrash.await(120, TimeUnit.SECONDS)).as("every thread saw the server down").isTrue();
			assertThatThrownBy(() -> nodes.get(1).snapshot(ks)).isInstanceOf(PostgresUnavailableException.class)
				.hasMessageContaining("'load'");
			cluster.restart();
			restarted.set(true);
			assertThat(acknowledgedAfterRestart.await(120, TimeUnit.SECONDS)).as("every thread commits again")
				.isTrue();
		}
		finally {
			stop.set(true);
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
			pool.shutdownNow();
		}
		assertThat(unexpected).as("every call returned or failed typed").isEmpty();
		long unknown = calls.stream().filter((call) -> call.outcome() == Outcome.UNKNOWN).count();
		long notApplied = calls.stream().filter((call) -> call.outcome() == Outcome.NOT_APPLIED).count();
		System.out.println("CrashTest: " + acknowledged.get() + " acknowledged, " + notApplied + " not applied, "
				+ unknown + " unknown");
		try (Connection connection = newDatabase().getConnection(); Statement statement = connection.createStatement()) {
			for (Call call : calls) {
				long logged = count(statement, "SELECT count(*) FROM " + prefix + "batch WHERE batch_id = '"
						+ call.batchId() + "'" + (call.sequence() > 0 ? " AND seq = " + call.sequence() : ""));
				long stored = count(statement, "SELECT count(*) FROM " + prefix + "entry WHERE key = '\\x"
						+ java.util.HexFormat.of().formatHex(bytes(call.key())) + "'::bytea AND value IS NOT NULL");
				switch (call.outcome()) {
					case ACKNOWLEDGED -> assertThat(logged + stored).as("acknowledged " + call).isEqualTo(2);
					case NOT_APPLIED -> assertThat(logged + stored).as("not applied " + call).isZero();
					case UNKNOWN -> assertThat(logged).as("all or nothing " + call).isEqualTo(stored);
				}
			}
			long last = count(statement, "SELECT seq FROM " + prefix + "keyspace WHERE id = " + ks.id());
			assertThat(count(statement, "SELECT count(DISTINCT seq) FROM " + prefix + "batch WHERE keyspace_id = "
					+ ks.id() + " AND seq BETWEEN 1 AND " + last)).as("gapless").isEqualTo(last);
			assertThat(count(statement, "SELECT count(*) FROM " + prefix + "batch")).isEqualTo(last);
		}
	}

	@Test
	void whenTheServerCrashesDuringCommitThenTheOutcomeIsUnknownAndTheBatchLogTellsAfterRestart() throws Exception {
		PGSimpleDataSource database = newDatabase();
		AtomicBoolean crashNow = new AtomicBoolean();
		PostgresSettings settings = fastSettings().withWaits(Duration.ofSeconds(2), Duration.ofMillis(500));
		TestNode node = TestNode.open(database, settings, true, (connection, call) -> {
			if (crashNow.getAndSet(false)) {
				cluster.crash();
			}
			return call.executeQuery();
		});
		PostgresKeyspace ks = node.keyspace("crash");
		node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("before"), bytes("1")))));
		crashNow.set(true);
		TestBatch batch = TestBatch.of(List.of(TestBatch.put(bytes("during"), bytes("2"))));
		assertThatThrownBy(() -> node.commit(ks, batch)).isInstanceOfSatisfying(PostgresOutcomeUnknownException.class,
				(ex) -> assertThat(ex.batchId()).isEqualTo(batch.id()))
			.hasMessageContaining("server stayed unreachable");
		cluster.restart();
		assertThat(queryLong(database, "SELECT count(*) FROM " + prefix + "batch WHERE batch_id = '" + batch.id() + "'"))
			.as("the COMMIT never reached the server").isZero();
		assertThat(node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("after"), bytes("3"))))).sequence())
			.as("the node commits again after the restart, without a gap").isEqualTo(2);
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			List<byte[]> values = snapshot.get(List.of(bytes("before"), bytes("during"), bytes("after")));
			assertThat(text(values.get(0))).isEqualTo("1");
			assertThat(values.get(1)).isNull();
			assertThat(text(values.get(2))).isEqualTo("3");
		}
	}

	private static long count(Statement statement, String sql) throws java.sql.SQLException {
		try (ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
