package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.Keyspace;
import io.levelmutex.engine.KeyspaceStorage;

import static io.levelmutex.postgres.EngineCommits.commitWrites;
import static io.levelmutex.postgres.EngineCommits.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node sends its after-commit hints only while another listener may hear them: its listener counts the other
 * remote-change listeners of the database at every poll, and until a count says "none" (at start, while the
 * listener is disconnected, after a failed count) the node hints. Remote changes are delivered either way: by the
 * hint while one is sent, by the receiving listener's own polling otherwise. Each database is the test's own, so
 * no other test's listener is counted.
 */
class HintWhileListenedTest extends ClusterTestSupport {

	private static final Duration EVENTUALLY = Duration.ofSeconds(60);

	@Test
	void whenANodeListensAloneThenItSendsNoHintAndStillDeliversAnotherWritersCommits() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		PostgresEngine node = PostgresEngine.open(database, fastSettings(), true);
		// Commits without a listener or hints of its own: only the node's polling can find them.
		TestNode writer = open(database);
		ConcurrentLinkedQueue<long[]> remote = new ConcurrentLinkedQueue<>();
		KeyspaceStorage mine = node.open(Keyspace.forMutex("alone"), true,
				(from, to) -> remote.add(new long[] { from, to }));
		try {
			RemoteChangeListener listener = node.listener();
			await().atMost(EVENTUALLY).until(() -> listener.isConnected() && !listener.othersMayListen());
			PostgresKeyspace ks = writer.keyspace(KeyspaceNames.of(Keyspace.forMutex("alone")));
			List<Long> written = new ArrayList<>();
			for (int i = 1; i <= 30; i++) {
				commit(mine, "k" + i);
				if (i % 5 == 0) {
					written.add(writer.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("w"), bytes("" + i)))))
						.sequence());
				}
			}
			await().atMost(EVENTUALLY).until(() -> delivered(remote).size() >= written.size());
			assertThat(delivered(remote)).as("the writer's sequences, once each, none of the node's own")
				.containsExactlyElementsOf(written);
			assertThat(node.afterCommit().hintsRecorded()).as("commits recorded for a hint").isZero();
			assertThat(node.afterCommit().hintStatements()).as("hint statements").isZero();
			assertThat(listener.othersMayListen()).isFalse();
		}
		finally {
			mine.close();
			node.close();
		}
	}

	@Test
	void whenASecondNodeJoinsLaterThenEachDeliversTheOthersCommitsAndBothHintOnceTheySeeEachOther()
			throws Exception {
		PGSimpleDataSource database = ownDatabase();
		PostgresEngine first = PostgresEngine.open(database, fastSettings(), true);
		ConcurrentLinkedQueue<long[]> toFirst = new ConcurrentLinkedQueue<>();
		KeyspaceStorage firsts = first.open(Keyspace.forMutex("joined"), true,
				(from, to) -> toFirst.add(new long[] { from, to }));
		PostgresEngine second = null;
		KeyspaceStorage seconds = null;
		try {
			await().atMost(EVENTUALLY).until(() -> !first.listener().othersMayListen());
			List<Long> byFirst = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				byFirst.add(commit(firsts, "alone" + i));
			}
			assertThat(first.afterCommit().hintsRecorded()).as("no hint while alone").isZero();
			second = PostgresEngine.open(database, fastSettings(), true);
			ConcurrentLinkedQueue<long[]> toSecond = new ConcurrentLinkedQueue<>();
			seconds = second.open(Keyspace.forMutex("joined"), true, (from, to) -> toSecond.add(new long[] { from, to }));
			// Until its next poll counts the joiner the first node sends no hint (when that poll comes is not
			// asserted); the joiner learns of those commits by polling. The joiner's first count finds the first
			// node's listener, so it hints from then on.
			List<Long> bySecond = new ArrayList<>();
			List<Long> afterJoin = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				afterJoin.add(commit(firsts, "joining" + i));
				bySecond.add(commit(seconds, "joiner" + i));
			}
			PostgresEngine joiner = second;
			await().atMost(EVENTUALLY).until(() -> first.listener().othersMayListen()
					&& joiner.listener().isConnected() && joiner.listener().othersMayListen());
			long firstHintsBefore = first.afterCommit().hintsRecorded();
			long secondHintsBefore = second.afterCommit().hintsRecorded();
			for (int i = 0; i < 10; i++) {
				afterJoin.add(commit(firsts, "both" + i));
				bySecond.add(commit(seconds, "both" + i));
			}
			await().atMost(EVENTUALLY).until(() -> delivered(toFirst).size() >= bySecond.size()
					&& delivered(toSecond).size() >= afterJoin.size());
			assertThat(delivered(toFirst)).as("the second node's commits, once each").containsExactlyElementsOf(bySecond);
			assertThat(delivered(toSecond)).as("the first node's commits since the second opened, once each")
				.containsExactlyElementsOf(afterJoin);
			assertThat(first.afterCommit().hintsRecorded() - firstHintsBefore).as("first node's hinted commits")
				.isEqualTo(10);
			assertThat(second.afterCommit().hintsRecorded() - secondHintsBefore).as("second node's hinted commits")
				.isEqualTo(10);
			await().atMost(EVENTUALLY).until(() -> first.afterCommit().hintStatements() >= 1
					&& joiner.afterCommit().hintStatements() >= 1);
		}
		finally {
			firsts.close();
			first.close();
			if (seconds != null) {
				seconds.close();
			}
			if (second != null) {
				second.close();
			}
		}
	}

	@Test
	void whenTheOtherNodeClosesThenTheHintsStopAfterTheNextPollAndResumeWhenAnotherJoins() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		PostgresEngine node = PostgresEngine.open(database, fastSettings(), true);
		PostgresEngine other = PostgresEngine.open(database, fastSettings(), true);
		KeyspaceStorage mine = node.open(Keyspace.forMutex("left"), true, (from, to) -> {
		});
		PostgresEngine third = null;
		try {
			await().atMost(EVENTUALLY).until(() -> node.listener().othersMayListen() && node.listener().catchUps() > 1);
			commit(mine, "heard");
			await().atMost(EVENTUALLY).until(() -> node.afterCommit().hintStatements() >= 1);
			other.close();
			await().atMost(EVENTUALLY).until(() -> !node.listener().othersMayListen());
			long recorded = node.afterCommit().hintsRecorded();
			for (int i = 0; i < 20; i++) {
				commit(mine, "unheard" + i);
			}
			assertThat(node.afterCommit().hintsRecorded()).as("commits hinted after the other node left")
				.isEqualTo(recorded);
			third = PostgresEngine.open(database, fastSettings(), true);
			await().atMost(EVENTUALLY).until(() -> node.listener().othersMayListen());
			commit(mine, "heard again");
			assertThat(node.afterCommit().hintsRecorded()).isEqualTo(recorded + 1);
		}
		finally {
			mine.close();
			node.close();
			other.close();
			if (third != null) {
				third.close();
			}
		}
	}

	@Test
	void whenTheListenerCannotConnectThenTheNodeHintsEveryCommit() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		NoListenerDataSource refusing = new NoListenerDataSource(database);
		PostgresEngine node = PostgresEngine.open(refusing, fastSettings(), true);
		KeyspaceStorage mine = node.open(Keyspace.forMutex("unsure"), true, (from, to) -> {
		});
		try {
			await().atMost(EVENTUALLY).until(() -> refusing.refused.get() >= 2);
			assertThat(node.listener().othersMayListen()).as("unknown counts as someone listening").isTrue();
			for (int i = 0; i < 5; i++) {
				commit(mine, "k" + i);
			}
			assertThat(node.afterCommit().hintsRecorded()).isEqualTo(5);
			await().atMost(EVENTUALLY).until(() -> node.afterCommit().hintStatements() >= 1);
			assertThat(node.listener().listenerCounts()).as("never listened, never counted").isZero();
		}
		finally {
			mine.close();
			node.close();
		}
	}

	@Test
	void whenNodesRunAsDifferentRolesWithoutPrivilegesOnEachOtherThenEachCountsTheOthersListener()
			throws Exception {
		PGSimpleDataSource database = ownDatabase();
		TestNode.open(database, fastSettings(), true);
		String name = database.getDatabaseName();
		for (String role : List.of("hint_alice", "hint_bob")) {
			execute(database, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role
					+ "') THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
			execute(database, "GRANT CONNECT ON DATABASE " + name + " TO " + role);
			execute(database, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
		}
		assertThat(queryLong(database, "SELECT count(*) FROM pg_roles WHERE rolname IN ('hint_alice', 'hint_bob')"
				+ " AND (rolsuper OR pg_has_role(oid, 'pg_read_all_stats', 'USAGE'))")).isZero();
		PostgresEngine alice = PostgresEngine.open(as(database, "hint_alice"), fastSettings(), false);
		PostgresEngine bob = null;
		try {
			await().atMost(EVENTUALLY).until(() -> alice.listener().isConnected() && !alice.listener().othersMayListen());
			bob = PostgresEngine.open(as(database, "hint_bob"), fastSettings(), false);
			PostgresEngine opened = bob;
			await().atMost(EVENTUALLY).until(() -> alice.listener().othersMayListen()
					&& opened.listener().catchUps() > 1 && opened.listener().othersMayListen());
		}
		finally {
			alice.close();
			if (bob != null) {
				bob.close();
			}
		}
	}

	private static PGSimpleDataSource as(PGSimpleDataSource database, String user) {
		PGSimpleDataSource dataSource = dataSource(database.getDatabaseName());
		dataSource.setUser(user);
		return dataSource;
	}

	/**
	 * Hands out connections on which the listener's first statement (naming its session) fails, so the listener
	 * never gets to listen and reconnects again and again; every other statement runs.
	 */
	static final class NoListenerDataSource extends ForwardingDataSource {

		final AtomicInteger refused = new AtomicInteger();

		NoListenerDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = this.target.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						Object result = invoke(connection, method, args);
						if (result instanceof Statement statement && method.getName().equals("createStatement")) {
							return refusingListenerName(statement);
						}
						return result;
					});
		}

		private Statement refusingListenerName(Statement statement) {
			return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Statement.class },
					(proxy, method, args) -> {
						if (method.getName().equals("execute") && args != null && args[0] instanceof String sql
								&& sql.contains(RemoteChangeListener.APPLICATION_NAME)) {
							this.refused.incrementAndGet();
							throw new SQLException("simulated: the listener's session cannot be named", "08006");
						}
						return invoke(statement, method, args);
					});
		}

		private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

	private static long commit(KeyspaceStorage storage, String key) {
		return commitWrites(storage, EngineTestOperations.put(bytes(key), bytes("v"))).sequence();
	}

}
