package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener drains its notifications: within the catch-up spacing, when no catch-up may start, it reads none
 * (its thread sleeps; what arrives waits in its connection), and after the spacing one catch-up serves them all.
 * Here the listener's clock stands still until the test moves it, so nothing but the spacing decides; 100
 * notifications (each its own transaction, naming 10 batches in turn) arrive while it stands still. Without the drain (the listener reading
 * every notification as it arrives, {@code -Dio.levelmutex.postgres.drainNotifications=false}) the first test
 * fails: the listener has read them before the spacing passed.
 */
class DrainedNotificationsTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 60; // a failure signal only: never waited this long when it passes

	private static final Duration SPACING = Duration.ofMillis(50);

	private static final int NOTIFICATIONS = 100;

	/** Batches the writer commits; the notifications name them in turn. */
	private static final int COMMITS = 10;

	@Test
	void notificationsWithinTheSpacingAreReadOnlyAfterItAndServedByOneCatchUpThatMissesNothing() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode writer = open(database);
		TestNode listening = open(database);
		PostgresKeyspace ks = writer.keyspace("drained");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection raw = database.getConnection();
				Connection notifier = database.getConnection();
				RemoteChangeListener listener = listening.listen(changes::add, SPACING, clock::get)) {
			try (Statement statement = raw.createStatement()) {
				statement.execute("LISTEN level_mutex");
			}
			listener.watch(ks, 0);
			long catchUps = awaitFirstCatchUp(listener);
			long heard = listener.notificationsHeard();
			long reads = listener.notificationReads();

			for (int i = 1; i <= COMMITS; i++) {
				assertThat(writer.commit(ks, put("k", "v" + i)).sequence()).isEqualTo(i);
			}
			notifier.setAutoCommit(true);
			try (PreparedStatement notify = notifier.prepareStatement("SELECT pg_notify('level_mutex', ?)")) {
				for (int i = 1; i <= NOTIFICATIONS; i++) {
					// one transaction, one notification each
					notify.setString(1, prefix + ":" + ks.id() + ":" + (1 + (i - 1) % COMMITS));
					notify.executeQuery().close();
				}
			}
			awaitHints(raw, NOTIFICATIONS);

			assertThat(listener.notificationsHeard()).as("nothing read while the spacing has not passed").isEqualTo(heard);
			assertThat(listener.notificationReads()).isEqualTo(reads);
			assertThat(listener.catchUps()).isEqualTo(catchUps);
			assertThat(changes).isEmpty();

			clock.addAndGet(SPACING.toNanos());
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> !changes.isEmpty());
			assertThat(changes).as("every sequence once, in one range")
				.containsExactly(new RemoteChange("drained", 1, COMMITS));
			assertThat(listener.catchUps() - catchUps).as("one catch-up for 100 notifications").isEqualTo(1);
			clock.addAndGet(SPACING.toNanos()); // the notifications are read after the next spacing
			await().atMost(Duration.ofSeconds(WAIT_SECONDS))
				.until(() -> listener.notificationsHeard() - heard == NOTIFICATIONS);
			assertThat(listener.notificationReads() - reads).as("reads of the 100 notifications").isBetween(1L,
					(long) NOTIFICATIONS);
			assertThat(listener.catchUps() - catchUps).as("the hints name nothing the catch-up did not pass")
				.isEqualTo(1);
			assertThat(changes).hasSize(1);
		}
	}

	@Test
	void aNotificationAfterTheSpacingStartsItsCatchUpAtOnceAndTheNextWaitsTheSpacing() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode writer = open(database);
		TestNode listening = open(database);
		PostgresKeyspace ks = writer.keyspace("later");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection notifier = database.getConnection();
				RemoteChangeListener listener = listening.listen(changes::add, SPACING, clock::get)) {
			notifier.setAutoCommit(true);
			listener.watch(ks, 0);
			long catchUps = awaitFirstCatchUp(listener);
			clock.addAndGet(SPACING.toNanos()); // the spacing has passed: the listener waits for notifications

			writer.commit(ks, put("k", "v1"));
			notify(notifier, hint(ks, 1));
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> changes.size() == 1);
			assertThat(changes).containsExactly(new RemoteChange("later", 1, 1));
			assertThat(listener.catchUps() - catchUps).isEqualTo(1);

			writer.commit(ks, put("k", "v2"));
			writer.commit(ks, put("k", "v3"));
			notify(notifier, hint(ks, 2));
			notify(notifier, hint(ks, 3));
			long heard = listener.notificationsHeard();
			// The clock stands still: within the spacing again, nothing is read or caught up.
			assertThat(listener.catchUps() - catchUps).isEqualTo(1);
			clock.addAndGet(SPACING.toNanos());
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> changes.size() == 2);
			assertThat(changes).containsExactly(new RemoteChange("later", 1, 1), new RemoteChange("later", 2, 3));
			assertThat(listener.catchUps() - catchUps).isEqualTo(2);
			assertThat(listener.notificationsHeard()).isGreaterThan(heard);
		}
	}

	/** Waits until the test's own listening connection received {@code count} notifications of this test. */
	private static void awaitHints(Connection raw, int count) throws Exception {
		List<String> payloads = new ArrayList<>();
		while (payloads.size() < count) {
			PGNotification[] notifications = raw.unwrap(PGConnection.class).getNotifications(10_000);
			assertThat(notifications).as("hints, received so far: " + payloads).isNotEmpty();
			for (PGNotification notification : notifications) {
				payloads.add(hintOfThisTest(notification.getParameter()));
			}
		}
	}

}
