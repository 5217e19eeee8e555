package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cycle whose commit waits in PostgreSQL (here on the keyspace row's lock, held by another session) lends its
 * place in the store's cycle pool ({@link io.levelmutex.engine.BlockingCalls}): with a single cycle thread,
 * another mutex's put still commits meanwhile. The blocked put commits once the lock is released.
 */
class BlockedCommitTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 30; // a failure signal only: never waited this long when it passes

	@Test
	void whenTheOnlyCycleThreadsCommitWaitsInPostgresThenAnotherMutexStillCommits() throws Exception {
		PGSimpleDataSource database = newDatabase();
		try (MutexStore store = PostgresStore.builder(database)
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMinutes(10))
			.storeOptions(StoreOptions.builder().cycleThreads(1).build())
			.open()) {
			Mutex<String, String> blocked = store.mutex(MutexOptions.builder("blocked").build(), Codecs.utf8(),
					Codecs.utf8());
			Mutex<String, String> other = store.mutex(MutexOptions.builder("other").build(), Codecs.utf8(),
					Codecs.utf8());
			blocked.put("k", "v1").get(WAIT_SECONDS, TimeUnit.SECONDS);
			CompletableFuture<Void> first;
			try (Connection locker = database.getConnection()) {
				locker.setAutoCommit(false);
				// The only keyspace with a commit yet is the blocked mutex's.
				try (PreparedStatement lock = locker
					.prepareStatement("SELECT seq FROM " + prefix + "keyspace WHERE seq > 0 FOR UPDATE")) {
					try (ResultSet rows = lock.executeQuery()) {
						assertThat(rows.next()).isTrue();
					}
				}
				try {
					first = blocked.put("k", "v2");
					await().atMost(WAIT_SECONDS, TimeUnit.SECONDS)
						.until(() -> queryLong(database, "SELECT count(*) FROM pg_stat_activity WHERE "
								+ "datname = current_database() AND wait_event_type = 'Lock'") == 1);

					other.put("k", "o").get(WAIT_SECONDS, TimeUnit.SECONDS); // times out if the commit holds the thread

					assertThat(first).isNotDone();
				}
				finally {
					locker.rollback();
				}
			}
			first.get(WAIT_SECONDS, TimeUnit.SECONDS);
			assertThat(blocked.get("k").get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(Optional.of("v2"));
			assertThat(other.get("k").get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(Optional.of("o"));
		}
	}

}
