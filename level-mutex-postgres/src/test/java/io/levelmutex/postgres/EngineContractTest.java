package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.Keyspace;
import io.levelmutex.StoreHealth;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.UpdateFootprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The storage-engine SPI as the core uses it, on two engines ("nodes") sharing one database: snapshot isolation,
 * scan bounds (inverted, empty, open-ended, both directions, limits), multi-get order, truncation when an update
 * is rejected at the first, a middle or the last position, gapless sequences, remote changes from the sequence a
 * keyspace opened at until it closes, isolated keyspaces, health.
 */
class EngineContractTest extends ClusterTestSupport {

	private PostgresEngine node;

	private PostgresEngine other;

	private final ConcurrentLinkedQueue<long[]> remote = new ConcurrentLinkedQueue<>();

	private KeyspaceStorage orders;

	private KeyspaceStorage otherOrders;

	@BeforeEach
	void openNodes() {
		PGSimpleDataSource database = newDatabase();
		this.node = PostgresEngine.open(database, fastSettings(), true);
		this.other = PostgresEngine.open(database, fastSettings(), true);
		this.orders = this.node.open(Keyspace.forMutex("orders"), true,
				(from, to) -> this.remote.add(new long[] { from, to }));
		this.otherOrders = this.other.open(Keyspace.forMutex("orders"), false, (from, to) -> {
		});
	}

	@AfterEach
	void closeNodes() {
		this.orders.close();
		this.otherOrders.close();
		this.node.close();
		this.other.close();
	}

	@Test
	void whenOpenedThenKeysHaveNoPrefixUpdatesAreValidatedAndLimitsAreTheEngines() {
		assertThat(this.orders.keyPrefix()).isEmpty();
		assertThat(this.orders.validatesUpdates()).isTrue();
		assertThat(this.orders.maxKeyBytes()).isEqualTo(2048);
		assertThat(this.orders.maxValueBytes()).isEqualTo(8 * 1024 * 1024);
		assertThat(this.node.description()).isEqualTo("postgresql " + prefix + " tables");
	}

	@Test
	void whenOtherWritersCommitDuringASnapshotThenItKeepsItsStateAndSequence() {
		assertThat(commit(this.otherOrders, put("a", "1"), put("b", "1")).sequence()).isEqualTo(1);
		try (ReadSnapshot snapshot = this.orders.snapshot()) {
			assertThat(snapshot.sequence()).isEqualTo(1);
			assertThat(commit(this.otherOrders, put("a", "2"), del("b"), put("c", "2")).sequence()).isEqualTo(2);
			assertThat(commit(this.orders, put("d", "2")).sequence()).isEqualTo(3);
			assertThat(str(snapshot.get(bytes("a")))).isEqualTo("1");
			assertThat(str(snapshot.get(bytes("b")))).isEqualTo("1");
			assertThat(snapshot.get(bytes("c"))).isNull();
			assertThat(snapshot.scan(bytes(""), null, 10, true)).hasSize(2);
			assertThat(snapshot.sequence()).isEqualTo(1);
		}
		try (ReadSnapshot snapshot = this.orders.snapshot()) {
			assertThat(snapshot.sequence()).isEqualTo(3);
			assertThat(keys(snapshot.scan(bytes(""), null, 10, true))).containsExactly("a", "c", "d");
		}
	}

	@Test
	void whenKeysAreReadTogetherThenValuesComeInRequestOrderWithDuplicatesAndMisses() {
		commit(this.orders, put("k1", "v1"), put("k2", "v2"), put("k3", "v3"));
		try (ReadSnapshot snapshot = this.orders.snapshot()) {
			List<byte[]> values = snapshot.multiGet(List.of(bytes("k3"), bytes("missing"), bytes("k1"), bytes("k3")));
			assertThat(values).hasSize(4);
			assertThat(str(values.get(0))).isEqualTo("v3");
			assertThat(values.get(1)).isNull();
			assertThat(str(values.get(2))).isEqualTo("v1");
			assertThat(str(values.get(3))).isEqualTo("v3");
			assertThat(snapshot.multiGet(List.of())).isEmpty();
		}
	}

	@Test
	void whenRangesAreScannedThenBoundsLimitsAndDirectionHoldAndEmptyOrInvertedRangesGiveNothing() {
		commit(this.orders, put("a", "1"), put("b", "2"), put("b\0", "3"), put("c", "4"), put("\u00ff", "5"));
		try (ReadSnapshot snapshot = this.orders.snapshot()) {
			assertThat(keys(snapshot.scan(bytes("b"), bytes("c"), 10, true))).containsExactly("b", "b\0");
			assertThat(keys(snapshot.scan(bytes("b"), bytes("c"), 10, false))).containsExactly("b\0", "b");
			assertThat(keys(snapshot.scan(bytes("a"), null, 2, true))).containsExactly("a", "b");
			assertThat(keys(snapshot.scan(bytes(""), null, 1, false))).as("unsigned order: 0xc3 0xbf last")
				.containsExactly("\u00ff");
			assertThat(keys(snapshot.scan(bytes("a"), bytes("c"), 1, false))).containsExactly("b\0");
			assertThat(snapshot.scan(bytes("b"), bytes("b"), 10, true)).as("empty").isEmpty();
			assertThat(snapshot.scan(bytes("c"), bytes("a"), 10, true)).as("inverted").isEmpty();
			assertThat(snapshot.scan(bytes("c"), bytes("a"), 10, false)).as("inverted, descending").isEmpty();
			assertThat(snapshot.scan(bytes("\u00ff\u00ff"), null, 10, true)).as("past the last key").isEmpty();
			assertThatThrownBy(() -> snapshot.scan(bytes("a"), null, 0, true))
				.isInstanceOf(io.levelmutex.InvalidInputException.class);
		}
	}

	/**
	 * Three updates, each after a plain write; the update at {@code rejectedAt} read a key the other node changed
	 * after its snapshot. Exactly the operations before it are applied, as one sequence, or none (no sequence).
	 */
	@ParameterizedTest(name = "rejected update {0}")
	@ValueSource(ints = { 0, 1, 2 })
	void whenAnUpdateIsRejectedThenExactlyTheOperationsBeforeItAreApplied(int rejectedAt) {
		commit(this.orders, put("guard", "0"), put("plain0", "old"));
		long snapshot = 1;
		commit(this.otherOrders, put("guard", "changed"));
		List<WriteOperation> operations = new ArrayList<>();
		List<UpdateFootprint> updates = new ArrayList<>();
		for (int u = 0; u < 3; u++) {
			operations.add(put("plain" + u, "new"));
			updates.add(new UpdateFootprint(operations.size(), 1, snapshot,
					List.of(bytes(u == rejectedAt ? "guard" : "quiet")), List.of()));
			operations.add(put("update" + u, "done"));
		}
		CommitResult result = this.orders.commit(batch(operations, updates));
		int applied = 2 * rejectedAt + 1;
		assertThat(result.hasRejection()).isTrue();
		assertThat(result.rejectedUpdate()).isEqualTo(rejectedAt);
		assertThat(str(result.conflictKey())).isEqualTo("guard");
		assertThat(result.appliedOperations()).isEqualTo(applied);
		assertThat(result.sequence()).as("one sequence for the applied prefix").isEqualTo(3);
		try (ReadSnapshot read = this.otherOrders.snapshot()) {
			for (int u = 0; u < 3; u++) {
				assertThat(str(read.get(bytes("plain" + u)))).as("plain" + u).isEqualTo(
						u <= rejectedAt ? "new" : (u == 0 ? "old" : null));
				assertThat(str(read.get(bytes("update" + u)))).as("update" + u).isEqualTo(u < rejectedAt ? "done" : null);
			}
		}
		CommitResult first = this.orders.commit(batch(List.of(put("x", "1"), put("y", "1")),
				List.of(new UpdateFootprint(0, 1, snapshot, List.of(), List.of(new KeySpan(bytes("g"), bytes("h")))))));
		assertThat(first.appliedOperations()).as("rejected at the start: nothing applied").isZero();
		assertThat(first.rejectedUpdate()).isZero();
		assertThat(str(first.conflictKey())).isEqualTo("guard");
		assertThat(first.sequence()).as("no sequence taken").isEqualTo(3);
		assertThat(commit(this.otherOrders, put("z", "1")).sequence()).isEqualTo(4);
	}

	@Test
	void whenUpdatesAreValidThenTheWholeBatchIsAppliedAsOneGaplessSequence() {
		commit(this.orders, put("n", "1"));
		CommitResult result = this.orders.commit(batch(List.of(put("n", "2"), del("n"), put("m", "1")),
				List.of(new UpdateFootprint(0, 2, 1, List.of(bytes("n")), List.of(new KeySpan(bytes("n"), null))),
						new UpdateFootprint(2, 1, 1, List.of(), List.of(new KeySpan(bytes("z"), bytes("a")))))));
		assertThat(result).isEqualTo(CommitResult.applied(2, 3));
		assertThat(commit(this.otherOrders, put("o", "1")).sequence()).isEqualTo(3);
		try (ReadSnapshot read = this.orders.snapshot()) {
			assertThat(read.get(bytes("n"))).as("the last write of a key wins").isNull();
			assertThat(str(read.get(bytes("m")))).isEqualTo("1");
		}
	}

	@Test
	void whenAnotherNodeCommitsThenTheSinkHearsOfItFromTheOpeningSequenceUntilClose() {
		commit(this.otherOrders, put("r", "1"));
		commit(this.orders, put("mine", "1"));
		commit(this.otherOrders, put("r", "3"));
		await().atMost(30, TimeUnit.SECONDS).until(() -> delivered(this.remote).containsAll(List.of(1L, 3L)));
		assertThat(delivered(this.remote)).as("each remote sequence once, never the node's own").containsExactly(1L, 3L);
		this.orders.close();
		commit(this.otherOrders, put("r", "4"));
		ConcurrentLinkedQueue<long[]> reopened = new ConcurrentLinkedQueue<>();
		this.orders = this.node.open(Keyspace.forMutex("orders"), true, (from, to) -> reopened.add(new long[] { from, to }));
		commit(this.otherOrders, put("r", "5"));
		await().atMost(30, TimeUnit.SECONDS).until(() -> delivered(reopened).contains(5L));
		assertThat(delivered(reopened)).as("from the sequence it opened at").containsExactly(5L);
		assertThat(delivered(this.remote)).as("nothing after close").containsExactly(1L, 3L);
	}

	@Test
	void whenKeyspacesDifferByPrefixOrColumnFamilyThenTheyAreIsolatedAndLongNamesAreHashed() {
		KeyspaceStorage invoices = this.node.open(Keyspace.forMutex("invoices"), true, (from, to) -> {
		});
		byte[] longPrefix = new byte[300];
		KeyspaceStorage hashed = this.node.open(Keyspace.columnFamily("cf").withPrefix(longPrefix), true,
				(from, to) -> {
				});
		KeyspaceStorage wholeFamily = this.node.open(Keyspace.columnFamily("cf"), true, (from, to) -> {
		});
		try {
			commit(this.orders, put("k", "orders"));
			commit(invoices, put("k", "invoices"));
			commit(invoices, put("k2", "invoices"));
			commit(hashed, put("k", "hashed"));
			try (ReadSnapshot o = this.orders.snapshot(); ReadSnapshot i = invoices.snapshot();
					ReadSnapshot h = hashed.snapshot(); ReadSnapshot w = wholeFamily.snapshot()) {
				assertThat(str(o.get(bytes("k")))).isEqualTo("orders");
				assertThat(o.sequence()).isEqualTo(1);
				assertThat(str(i.get(bytes("k")))).isEqualTo("invoices");
				assertThat(i.sequence()).isEqualTo(2);
				assertThat(str(h.get(bytes("k")))).isEqualTo("hashed");
				assertThat(w.scan(bytes(""), null, 10, true)).isEmpty();
			}
		}
		finally {
			invoices.close();
			hashed.close();
			wholeFamily.close();
		}
		assertThat(KeyspaceNames.of(Keyspace.forMutex("orders"))).isEqualTo("default/6f726465727300");
		assertThat(KeyspaceNames.of(Keyspace.columnFamily("cf").withPrefix(longPrefix))).startsWith("sha256:")
			.hasSize(7 + 64);
		assertThat(KeyspaceNames.of(Keyspace.columnFamily("a/b"))).isNotEqualTo(
				KeyspaceNames.of(Keyspace.columnFamily("a").withPrefix(bytes("b/"))));
	}

	@Test
	void whenTheDatabaseIsReachableThenHealthIsUpWithItsDetails() {
		commit(this.orders, put("h", "1"));
		await().atMost(30, TimeUnit.SECONDS).until(() -> this.node.health().available());
		StoreHealth health = this.node.health();
		assertThat(health.engine()).isEqualTo("postgresql");
		assertThat(health.open()).isTrue();
		assertThat(health.healthy()).isTrue();
		assertThat(health.details()).containsEntry("databaseReachable", true)
			.containsEntry("listenerConnected", true)
			.containsEntry("lastCommitSequence", 1L)
			.containsKeys("lastCommitTime", "listenerReconnects", "pollingLagMillis");
		this.other.close();
		assertThat(this.other.health().open()).isFalse();
		assertThat(this.other.health().healthy()).isFalse();
	}

	private static List<Long> delivered(ConcurrentLinkedQueue<long[]> ranges) {
		List<Long> sequences = new ArrayList<>();
		for (long[] range : ranges) {
			for (long s = range[0]; s <= range[1]; s++) {
				sequences.add(s);
			}
		}
		return sequences;
	}

	private static List<String> keys(List<KeyValue> entries) {
		return entries.stream().map((entry) -> str(entry.key())).toList();
	}

	private static CommitResult commit(KeyspaceStorage storage, WriteOperation... operations) {
		return storage.commit(batch(List.of(operations), List.of()));
	}

	private static EngineBatch batch(List<WriteOperation> operations, List<UpdateFootprint> updates) {
		return new EngineBatch(1, operations, operations.stream().map(WriteOperation::key).toList(), updates);
	}

	private static WriteOperation put(String key, String value) {
		return EngineTestOperations.put(bytes(key), bytes(value));
	}

	private static WriteOperation del(String key) {
		return EngineTestOperations.del(bytes(key));
	}

	private static String str(byte[] bytes) {
		return bytes == null ? null : ClusterTestSupport.text(bytes);
	}

}
