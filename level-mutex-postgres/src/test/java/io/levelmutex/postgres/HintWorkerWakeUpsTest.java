package io.levelmutex.postgres;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The after-commit worker sleeps through the hint spacing after a hint statement: commits meanwhile join the next
 * statement without waking it (here its clock stands still until the test moves it, so nothing but the spacing
 * decides), and the statement goes when the spacing has passed. Without the rule
 * ({@code -Dio.levelmutex.postgres.hintWorkerSleeps=false}: the worker waits for work and the next commit wakes it,
 * only to wait out the rest of the spacing) the first assertion on the wake-ups fails.
 */
class HintWorkerWakeUpsTest extends ClusterTestSupport {

	private static final Duration EVENTUALLY = Duration.ofSeconds(60);

	private static final Duration SPACING = Duration.ofMillis(20);

	@Test
	void commitsWithinTheSpacingAfterAHintStatementDoNotWakeTheWorkerAndJoinTheNextStatement() throws Exception {
		PGSimpleDataSource database = newDatabase();
		PostgresKeyspace ks = open(database).keyspace("woken"); // the schema, for the clean-up below
		PostgresSettings settings = fastSettings();
		Connections connections = new Connections(database, settings.connectWait());
		PostgresSql sql = new PostgresSql(settings.tablePrefix());
		AtomicLong clock = new AtomicLong();
		AfterCommit afterCommit = new AfterCommit(connections, settings, sql,
				new TombstoneCleaner(connections, settings, sql), () -> true, SPACING, clock::get);
		afterCommit.start();
		try {
			afterCommit.committed(ks, 1);
			await().atMost(EVENTUALLY).until(() -> afterCommit.hintStatements() == 1);
			long wakeUps = afterCommit.wakeUps();

			for (long sequence = 2; sequence <= 50; sequence++) {
				afterCommit.committed(ks, sequence);
			}
			assertThat(afterCommit.wakeUps()).as("commits within the spacing wake nobody").isEqualTo(wakeUps);
			assertThat(afterCommit.hintStatements()).as("held while the spacing has not passed").isEqualTo(1);

			clock.addAndGet(SPACING.toNanos());
			await().atMost(EVENTUALLY).until(() -> afterCommit.hintStatements() == 2);
			assertThat(afterCommit.wakeUps()).as("the statement went when the spacing passed, unwoken")
				.isEqualTo(wakeUps);
			assertThat(afterCommit.hintsRecorded()).isEqualTo(50);

			// A clean-up (every CLEAN_UP_EVERY-th sequence) still wakes the sleeping worker at once.
			afterCommit.committed(ks, AfterCommit.CLEAN_UP_EVERY);
			assertThat(afterCommit.wakeUps()).isEqualTo(wakeUps + 1);
			clock.addAndGet(SPACING.toNanos());
			await().atMost(EVENTUALLY).until(() -> afterCommit.hintStatements() == 3);
		}
		finally {
			afterCommit.close();
		}
	}

}
