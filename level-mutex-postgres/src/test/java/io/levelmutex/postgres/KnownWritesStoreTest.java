package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.UpdateFunction;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Updates on what this node knows ({@link KnownWrites}), end to end on stores ("nodes") sharing a database. On one
 * node, an update reading only keys the node wrote runs without a read statement and sees every write issued
 * before it; a get is always read. Across nodes, whatever another node committed after what this node knows is
 * seen: its put or its delete of a key this node wrote (the update's first run on the stale value is rejected by
 * the commit's validation and runs again), also when this node committed other keys after the other node's
 * commit (a gap in this node's chain of commits: what it wrote before the gap is no longer known), and a plain
 * get sees the other node's value at once.
 */
class KnownWritesStoreTest extends ClusterTestSupport {

	private static final UpdateFunction<String, String, String> INCREMENT = (context) -> {
		Optional<String> current = context.get("k");
		String next = String.valueOf(current.map(Integer::parseInt).orElse(0) + 1);
		context.put("k", next);
		return current.orElse("none") + "->" + next;
	};

	@Test
	void whenThisNodeWroteTheKeysThenItsUpdatesReadNothingAndSeeEveryEarlierWrite() {
		ReadLog reads = new ReadLog(newDatabase());
		MutexStore store = openStore(reads);
		try {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("known").build(), Codecs.utf8(), Codecs.utf8());
			mutex.put("k", "1").join();
			mutex.put("other", "x").join();
			int before = reads.reads.get();
			assertThat(mutex.update(INCREMENT).join()).isEqualTo("1->2");
			assertThat(mutex.update(INCREMENT).join()).isEqualTo("2->3");
			assertThat(mutex.update((context) -> context.get("k").orElse("") + context.get("other").orElse("")).join())
				.isEqualTo("3x");
			assertThat(reads.reads.get() - before).as("read statements of updates on known keys").isZero();
			mutex.del("k").join();
			assertThat(mutex.update(INCREMENT).join()).as("a delete known").isEqualTo("none->1");
			assertThat(reads.reads.get() - before).isZero();
			assertThat(mutex.get("k").join()).contains("1");
			assertThat(reads.reads.get() - before).as("a get is read").isEqualTo(1);
			assertThat(mutex.update(INCREMENT).join()).as("after a read of the same state").isEqualTo("1->2");
			assertThat(reads.reads.get() - before).isEqualTo(1);
			assertThat(mutex.update((context) -> context.get("never").orElse("absent")).join()).isEqualTo("absent");
			assertThat(reads.reads.get() - before).as("a key not written is read").isEqualTo(2);
		}
		finally {
			store.close();
		}
	}

	@Test
	void whenAnotherNodeWroteOrDeletedAKeyThisNodeWroteThenThisNodesUpdatesSeeIt() {
		PGSimpleDataSource database = newDatabase();
		MutexStore a = openStore(database);
		MutexStore b = openStore(database);
		try {
			Mutex<String, String> onA = a.mutex(MutexOptions.builder("known").build(), Codecs.utf8(), Codecs.utf8());
			Mutex<String, String> onB = b.mutex(MutexOptions.builder("known").build(), Codecs.utf8(), Codecs.utf8());
			onA.put("k", "1").join();
			onB.put("k", "5").join();
			assertThat(onA.update(INCREMENT).join()).as("B's put, right after A's").isEqualTo("5->6");

			onA.put("j", "0").join();
			onB.put("k", "10").join();
			onA.put("j", "1").join(); // A's chain has a gap: k, written before it, is no longer known
			assertThat(onA.update(INCREMENT).join()).as("B's put between two of A's").isEqualTo("10->11");

			onA.put("j", "2").join();
			onB.del("k").join();
			onA.put("j", "3").join();
			assertThat(onA.update(INCREMENT).join()).as("B's delete between two of A's").isEqualTo("none->1");

			onB.put("k", "20").join();
			assertThat(onA.update(INCREMENT).join()).as("B's put after A's update").isEqualTo("20->21");
			onB.put("k", "30").join();
			assertThat(onA.get("k").join()).as("a get").contains("30");
			assertThat(onB.get("k").join()).contains("30");
		}
		finally {
			b.close();
			a.close();
		}
	}

	@Test
	void whenTwoNodesAlternateIncrementsOfOneKeyThenNoneIsLost() {
		PGSimpleDataSource database = newDatabase();
		MutexStore a = openStore(database);
		MutexStore b = openStore(database);
		try {
			List<Mutex<String, String>> nodes = List.of(
					a.mutex(MutexOptions.builder("known").maxUpdateAttempts(20).build(), Codecs.utf8(), Codecs.utf8()),
					b.mutex(MutexOptions.builder("known").maxUpdateAttempts(20).build(), Codecs.utf8(), Codecs.utf8()));
			UpdateFunction<String, String, Void> increment = (context) -> {
				int value = context.get("k").map(Integer::parseInt).orElse(0);
				context.put("k", String.valueOf(value + 1));
				return null;
			};
			for (int i = 0; i < 30; i++) {
				// A twice, then B once, ...: each node's second update runs on what it knows, B's writes between
				Mutex<String, String> node = nodes.get((i % 3 == 2) ? 1 : 0);
				node.update(increment).join();
			}
			assertThat(nodes.get(0).get("k").join()).contains("30");
			assertThat(nodes.get(1).get("k").join()).contains("30");
		}
		finally {
			b.close();
			a.close();
		}
	}

	/** Counts the statements prepared that read a keyspace's entries ({@link PlanReader}'s). */
	private static final class ReadLog extends ForwardingDataSource {

		final AtomicInteger reads = new AtomicInteger();

		private final Set<String> readTexts;

		ReadLog(DataSource target) {
			super(target);
			PostgresSql sql = new PostgresSql(prefix, "level_mutex");
			java.util.HashSet<String> texts = new java.util.HashSet<>();
			texts.add(sql.readOneKey);
			for (int shape = 0; shape < 8; shape++) {
				texts.add(sql.readPlan((shape & 1) != 0, (shape & 2) != 0, (shape & 4) != 0));
			}
			this.readTexts = Set.copyOf(texts);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = this.target.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String text
								&& this.readTexts.contains(text)) {
							this.reads.incrementAndGet();
						}
						try {
							return method.invoke(connection, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

	}

}
