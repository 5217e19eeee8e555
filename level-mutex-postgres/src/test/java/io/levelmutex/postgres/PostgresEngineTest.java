package io.levelmutex.postgres;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.Keyspace;
import io.levelmutex.StoreHealth;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.UpdateFootprint;

import static io.levelmutex.postgres.EngineCommits.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the PostgreSQL engine does beyond the storage-engine contract ({@link PostgresEngineContractTest} runs
 * that), on two engines ("nodes") sharing one database: no key prefix and its own limits, a scan limit below 1
 * refused, remote changes from the sequence a keyspace opened at until it closes, long keyspace names hashed,
 * health.
 */
class PostgresEngineTest extends ClusterTestSupport {

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

	/** The contract leaves a limit below 1 to the caller (the core never asks); this engine refuses it. */
	@Test
	void whenAScanLimitIsBelowOneThenItIsRefusedAsInvalidInput() {
		commit(this.orders, put("a", "1"));
		try (ReadSnapshot snapshot = this.orders.snapshot()) {
			assertThatThrownBy(() -> snapshot.scan(new KeySpan(bytes("a"), null), 0, true))
				.isInstanceOf(io.levelmutex.InvalidInputException.class);
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

	/** Keyspaces apart by prefix and column family are the contract's; how their names are made is this engine's. */
	@Test
	void whenAKeyspaceNameIsLongThenItIsHashedAndStillApartFromTheOthers() {
		byte[] longPrefix = new byte[300];
		KeyspaceStorage hashed = this.node.open(Keyspace.columnFamily("cf").withPrefix(longPrefix), true,
				(from, to) -> {
				});
		KeyspaceStorage other = this.node.open(Keyspace.columnFamily("cf").withPrefix(new byte[299]), true,
				(from, to) -> {
				});
		try {
			commit(hashed, put("k", "hashed"));
			try (ReadSnapshot h = hashed.snapshot(); ReadSnapshot o = other.snapshot()) {
				assertThat(str(h.get(bytes("k")))).isEqualTo("hashed");
				assertThat(o.get(bytes("k"))).isNull();
			}
		}
		finally {
			hashed.close();
			other.close();
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


	private static CommitResult commit(KeyspaceStorage storage, WriteOperation... operations) {
		return storage.commit(batch(List.of(operations), List.of()));
	}

	private static EngineBatch batch(List<WriteOperation> operations, List<UpdateFootprint> updates) {
		return new EngineBatch(1, operations, operations.stream().map(WriteOperation::key).toList(), updates);
	}

	private static WriteOperation put(String key, String value) {
		return EngineTestOperations.put(bytes(key), bytes(value));
	}

	private static String str(byte[] bytes) {
		return bytes == null ? null : ClusterTestSupport.text(bytes);
	}

}
