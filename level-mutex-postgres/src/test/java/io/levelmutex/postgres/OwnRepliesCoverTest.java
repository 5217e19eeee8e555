package io.levelmutex.postgres;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Own commit replies cover other nodes' sequences ({@code ownRepliesCoverCatchUps}, on by default): the keyspace's
 * sequence is gapless, so once every own commit up to an own sequence S is known to the listener, every other
 * sequence up to S is another node's, and a hint naming one is delivered without a catch-up statement, once
 * durable. The listener's clock stands still until the test moves it (nothing but the spacing decides when a
 * catch-up may start). The first test fails with {@code -Dio.levelmutex.postgres.ownRepliesCoverCatchUps=false} (a
 * catch-up statement is read); the others pin down what the rule must not cover: an own commit of unknown outcome
 * in between, an own commit still in flight, sequences not known durable; and a seeded randomized interleaving of
 * own (told, told late, failed, rejected) and other commits, hints and clock steps is checked against a model:
 * every other node's sequence delivered exactly once, in order, none of the node's own, nothing above what the
 * listener knew durable.
 */
class OwnRepliesCoverTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 60; // a failure signal only: never waited this long when it passes

	private static final Duration SPACING = Duration.ofMillis(50);

	@Test
	void aHintThatOwnCommitsCoverIsDeliveredWithoutAStatement() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode mine = open(database);
		TestNode other = open(database);
		PostgresKeyspace ks = mine.keyspace("covered");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection notifier = database.getConnection();
				RemoteChangeListener listener = mine.listen(changes::add, SPACING, clock::get)) {
			notifier.setAutoCommit(true);
			RemoteChangeListener.Watched watch = listener.watch(ks, 0);
			long catchUps = awaitFirstCatchUp(listener);

			assertThat(other.commit(ks, put("k", "o1")).sequence()).isEqualTo(1);
			assertThat(other.commit(ks, put("k", "o2")).sequence()).isEqualTo(2);
			ownCommit(listener, watch, mine, ks, true);
			assertThat(other.commit(ks, put("k", "o4")).sequence()).isEqualTo(4);
			clock.addAndGet(SPACING.toNanos()); // the spacing passed: the next notification is read at once
			notify(notifier, hint(ks, 2));
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> !changes.isEmpty());
			assertThat(changes).as("1..2, covered by the own commit 3").containsExactly(new RemoteChange("covered", 1, 2));
			assertThat(listener.catchUps() - catchUps).as("no catch-up statement").isZero();
			assertThat(listener.coveredDeliveries()).isEqualTo(1);

			// 4 is beyond the own commit 3: a catch-up reads it (this node commits nothing more, so none waits), once
			// the spacing after the read passed.
			clock.addAndGet(SPACING.toNanos());
			notify(notifier, hint(ks, 4));
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> changes.size() == 2);
			assertThat(changes).containsExactly(new RemoteChange("covered", 1, 2), new RemoteChange("covered", 4, 4));
			assertThat(listener.catchUps() - catchUps).isEqualTo(1);
		}
	}

	@Test
	void anOwnCommitOfUnknownOutcomeInBetweenStillTakesTheBatchLogLookup() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode mine = open(database);
		TestNode other = open(database);
		PostgresKeyspace ks = mine.keyspace("unknown");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection notifier = database.getConnection();
				RemoteChangeListener listener = mine.listen(changes::add, SPACING, clock::get)) {
			notifier.setAutoCommit(true);
			RemoteChangeListener.Watched watch = listener.watch(ks, 0);
			long catchUps = awaitFirstCatchUp(listener);

			other.commit(ks, put("k", "o1"));
			// committed, but its storage learned no outcome (a lost reply): the listener is told it failed
			listener.committing(watch);
			assertThat(mine.commit(ks, put("k", "m2")).sequence()).isEqualTo(2);
			listener.failed(watch);
			other.commit(ks, put("k", "o3"));
			ownCommit(listener, watch, mine, ks, true);
			clock.addAndGet(SPACING.toNanos());
			notify(notifier, hint(ks, 3));
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> RemoteChangeTest.sequences(changes).size() >= 2);
			assertThat(changes).as("the batch log tells that 2 is this node's")
				.containsExactly(new RemoteChange("unknown", 1, 1), new RemoteChange("unknown", 3, 3));
			assertThat(listener.catchUps() - catchUps).isEqualTo(1);
			assertThat(listener.coveredDeliveries()).isZero();
		}
	}

	@Test
	void whileAnOwnCommitIsInFlightALaterOwnReplyCoversNothing() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode mine = open(database);
		TestNode other = open(database);
		PostgresKeyspace ks = mine.keyspace("inflight");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		try (Connection notifier = database.getConnection();
				RemoteChangeListener listener = mine.listen(changes::add, SPACING, clock::get)) {
			notifier.setAutoCommit(true);
			RemoteChangeListener.Watched watch = listener.watch(ks, 0);
			long catchUps = awaitFirstCatchUp(listener);

			listener.committing(watch); // its reply comes after the next own commit's
			assertThat(mine.commit(ks, put("k", "m1")).sequence()).isEqualTo(1);
			other.commit(ks, put("k", "o2"));
			ownCommit(listener, watch, mine, ks, true);
			clock.addAndGet(SPACING.toNanos() * 2);
			notify(notifier, hint(ks, 2));
			if (!"false".equals(System.getProperty(RemoteChangeListener.COVER_PROPERTY))) {
				// a commit is in flight: the due catch-up waits (up to a spacing) for an own reply to cover 2
				await().atMost(Duration.ofSeconds(WAIT_SECONDS))
					.until(() -> listener.coverWaits() > 0 || !changes.isEmpty());
				assertThat(changes).isEmpty();
			}
			clock.addAndGet(SPACING.toNanos()); // the wait ends
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> !changes.isEmpty());
			assertThat(changes).containsExactly(new RemoteChange("inflight", 2, 2));
			assertThat(listener.catchUps() - catchUps).as("the batch log told that 1 is this node's").isEqualTo(1);
			listener.committed(watch, 1);
			assertThat(listener.coveredDeliveries()).isZero();
		}
	}

	@Test
	void coveredSequencesAreNotDeliveredBeforeTheListenerKnowsThemDurable() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode mine = open(database);
		TestNode other = open(database);
		PostgresKeyspace ks = mine.keyspace("durable");
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		// the listener's own durable sequences: what this node's commits make durable is not known to it
		DurableSequences durable = new DurableSequences(mine.sql(), true);
		try (Connection notifier = database.getConnection();
				RemoteChangeListener listener = mine.listen(changes::add, SPACING, clock::get, durable)) {
			notifier.setAutoCommit(true);
			RemoteChangeListener.Watched watch = listener.watch(ks, 0);
			long catchUps = awaitFirstCatchUp(listener);

			other.commit(ks, put("k", "o1"));
			ownCommit(listener, watch, mine, ks, true);
			assertThat(durable.durable(ks.id())).isZero();
			clock.addAndGet(SPACING.toNanos() * 2);
			notify(notifier, hint(ks, 1));
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> !changes.isEmpty());
			assertThat(changes).containsExactly(new RemoteChange("durable", 1, 1));
			assertThat(listener.catchUps() - catchUps).as("covered, but not known durable: read").isEqualTo(1);
			assertThat(listener.coveredDeliveries()).isZero();
		}
	}

	@Test
	void aSeededInterleavingOfOwnAndOtherCommitsDeliversEveryOtherSequenceOnceInOrderWhenDurable() throws Exception {
		for (long seed : new long[] { 18L, 1218L }) {
			interleaving(seed);
		}
	}

	private void interleaving(long seed) throws Exception {
		Random random = new Random(seed);
		PGSimpleDataSource database = newDatabase();
		TestNode mine = open(database);
		TestNode other = open(database);
		PostgresKeyspace ks = mine.keyspace("mixed" + seed);
		AtomicLong clock = new AtomicLong();
		List<RemoteChange> changes = new CopyOnWriteArrayList<>();
		List<String> violations = new CopyOnWriteArrayList<>();
		DurableSequences durable = mine.durable();
		Consumer<RemoteChange> sink = (change) -> {
			if (change.toSequence() > durable.durable(ks.id())) {
				violations.add("delivered " + change + " above the durable " + durable.durable(ks.id()));
			}
			changes.add(change);
		};
		List<Long> others = new ArrayList<>();
		List<Long> owns = new ArrayList<>();
		Deque<Long> late = new ArrayDeque<>();
		String log = "seed " + seed;
		try (Connection notifier = database.getConnection();
				RemoteChangeListener listener = mine.listen(sink, SPACING, clock::get)) {
			notifier.setAutoCommit(true);
			RemoteChangeListener.Watched watch = listener.watch(ks, 0);
			awaitFirstCatchUp(listener);
			long head = 0;
			for (int step = 0; step < 80; step++) {
				int op = random.nextInt(100);
				if (op < 30) {
					head = other.commit(ks, put("k" + random.nextInt(4), "o" + step)).sequence();
					others.add(head);
				}
				else if (op < 50) {
					head = ownCommit(listener, watch, mine, ks, true);
					owns.add(head);
				}
				else if (op < 58) {
					// committed; its reply is told later (another own commit may be told first)
					listener.committing(watch);
					head = mine.commit(ks, put("k" + random.nextInt(4), "l" + step)).sequence();
					owns.add(head);
					late.add(head);
				}
				else if (op < 63 && !late.isEmpty()) {
					listener.committed(watch, random.nextBoolean() ? late.pollFirst() : late.pollLast());
				}
				else if (op < 65) {
					// committed, outcome unknown to its storage
					listener.committing(watch);
					head = mine.commit(ks, put("k" + random.nextInt(4), "u" + step)).sequence();
					owns.add(head);
					listener.failed(watch);
				}
				else if (op < 68) {
					listener.committing(watch);
					listener.notCommitted(watch); // rejected: no sequence taken
				}
				else if (op < 88) {
					if (head > 0) {
						notify(notifier, hint(ks, 1 + random.nextInt((int) head)));
					}
				}
				else {
					clock.addAndGet(SPACING.toNanos());
				}
			}
			while (!late.isEmpty()) {
				listener.committed(watch, late.pollFirst());
			}
			// past a poll interval (200 ms): a poll catch-up reads whatever the hints left
			clock.addAndGet(Duration.ofMillis(300).toNanos());
			await().atMost(Duration.ofSeconds(WAIT_SECONDS))
				.until(() -> RemoteChangeTest.sequences(changes).size() >= others.size());
			assertThat(violations).as(log).isEmpty();
			assertThat(RemoteChangeTest.sequences(changes)).as(log + ": own " + owns + ", changes " + changes)
				.containsExactlyElementsOf(others);
			for (int i = 1; i < changes.size(); i++) {
				assertThat(changes.get(i).fromSequence()).as(log).isGreaterThan(changes.get(i - 1).toSequence());
			}
		}
	}

	/** An own commit as a keyspace storage makes it, told to the listener ({@code tell}) or not. */
	private static long ownCommit(RemoteChangeListener listener, RemoteChangeListener.Watched watch, TestNode mine,
			PostgresKeyspace ks, boolean tell) {
		listener.committing(watch);
		long sequence = mine.commit(ks, put("k", "m")).sequence();
		if (tell) {
			listener.committed(watch, sequence);
		}
		return sequence;
	}

}
