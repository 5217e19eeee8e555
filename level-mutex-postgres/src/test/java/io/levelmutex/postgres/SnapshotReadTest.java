package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshot reads: multi-get in one query, first/last/scan over every kind of range (inverted ones empty),
 * unsigned byte order, tombstones invisible, isolation from later commits, keyspace isolation.
 */
class SnapshotReadTest extends ClusterTestSupport {

	@Test
	void whenManyKeysAreReadThenOneQueryAnswersInRequestOrderWithDuplicatesAndMisses() throws Exception {
		CountingDataSource counting = new CountingDataSource(newDatabase());
		TestNode storage = TestNode.open(counting, fastSettings(), true);
		PostgresKeyspace ks = storage.keyspace("docs");
		storage.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")), TestBatch.put(bytes("b"), bytes("2")),
				TestBatch.put(bytes("c"), bytes("3")), TestBatch.del(bytes("c")))));
		try (TestSnapshot snapshot = storage.snapshot(ks)) {
			int before = counting.executions.get();
			List<byte[]> values = snapshot.get(List.of(bytes("b"), bytes("zz"), bytes("a"), bytes("b"), bytes("c")));
			assertThat(counting.executions.get() - before).isEqualTo(1);
			assertThat(values).hasSize(5);
			assertThat(text(values.get(0))).isEqualTo("2");
			assertThat(values.get(1)).isNull();
			assertThat(text(values.get(2))).isEqualTo("1");
			assertThat(text(values.get(3))).isEqualTo("2");
			assertThat(values.get(4)).as("deleted in the same batch as its put: the last write wins").isNull();
			int beforeEmpty = counting.executions.get();
			assertThat(snapshot.get(List.of())).isEmpty();
			assertThat(counting.executions.get()).as("an empty multi-get sends nothing").isEqualTo(beforeEmpty);
		}
	}

	@Test
	void whenRangesAreReadThenBoundsOrderAndDirectionHoldAndInvertedRangesAreEmpty() throws Exception {
		TestNode storage = open(newDatabase());
		PostgresKeyspace ks = storage.keyspace("ranges");
		byte[] high = { (byte) 0xff };
		byte[] low = { 0x01 };
		storage.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("b"), bytes("B")), TestBatch.put(bytes("d"), bytes("D")),
				TestBatch.put(bytes("f"), bytes("F")), TestBatch.put(high, bytes("HIGH")), TestBatch.put(low, bytes("LOW")),
				TestBatch.put(bytes("e"), bytes("E")))));
		storage.commit(ks, TestBatch.of(List.of(TestBatch.del(bytes("e")))));
		try (TestSnapshot snapshot = storage.snapshot(ks)) {
			assertThat(keys(snapshot.scan(ByteRange.all(), 100, false))).containsExactly("\u0001", "b", "d", "f", "\u00ff");
			assertThat(keys(snapshot.scan(ByteRange.all(), 100, true))).containsExactly("\u00ff", "f", "d", "b", "\u0001");
			assertThat(keys(snapshot.scan(ByteRange.all(), 1, false))).containsExactly("\u0001");
			assertThat(keys(snapshot.scan(ByteRange.closed(bytes("b"), bytes("f")), 100, false))).containsExactly("b",
					"d", "f");
			assertThat(keys(snapshot.scan(new ByteRange(bytes("b"), false, bytes("f"), false), 100, true)))
				.containsExactly("d");
			assertThat(keys(snapshot.scan(ByteRange.closedOpen(bytes("c"), null), 2, false))).containsExactly("d", "f");
			assertThat(text(snapshot.first(ByteRange.closedOpen(bytes("c"), null)).key())).isEqualTo("d");
			assertThat(text(snapshot.last(new ByteRange(null, false, bytes("f"), false)).value())).isEqualTo("D");
			assertThat(text(snapshot.last(ByteRange.all()).value())).isEqualTo("HIGH");
			assertThat(snapshot.first(ByteRange.closed(bytes("e"), bytes("e")))).as("a tombstone is no entry").isNull();
			// Inverted and degenerate ranges are empty.
			assertThat(snapshot.scan(ByteRange.closed(bytes("f"), bytes("b")), 100, false)).isEmpty();
			assertThat(snapshot.first(ByteRange.closed(bytes("f"), bytes("b")))).isNull();
			assertThat(snapshot.last(ByteRange.closedOpen(bytes("d"), bytes("d")))).isNull();
			assertThat(snapshot.scan(new ByteRange(bytes("d"), false, bytes("d"), true), 5, true)).isEmpty();
			assertThat(keys(snapshot.scan(ByteRange.closed(bytes("d"), bytes("d")), 5, true))).containsExactly("d");
			assertThatThrownBy(() -> snapshot.scan(ByteRange.all(), 0, false))
				.isInstanceOf(PostgresInputException.class)
				.hasMessageContaining("'ranges'")
				.hasMessageContaining("at least 1");
		}
	}

	@Test
	void whenCommitsHappenDuringASnapshotThenItKeepsSeeingItsOwnSequenceAndValues() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode reader = open(database);
		TestNode writer = open(database);
		PostgresKeyspace ks = reader.keyspace("iso");
		PostgresKeyspace wks = writer.keyspace("iso");
		assertThat(wks).isEqualTo(ks);
		writer.commit(wks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("v1")), TestBatch.put(bytes("gone"), bytes("x")))));
		try (TestSnapshot snapshot = reader.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(1);
			for (int i = 2; i <= 4; i++) {
				writer.commit(wks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("v" + i)),
						TestBatch.put(bytes("new" + i), bytes("n")), TestBatch.del(bytes("gone")))));
				assertThat(text(snapshot.get(List.of(bytes("k"))).get(0))).isEqualTo("v1");
				assertThat(keys(snapshot.scan(ByteRange.all(), 100, false))).containsExactly("gone", "k");
				assertThat(snapshot.sequence()).isEqualTo(1);
			}
		}
		try (TestSnapshot later = reader.snapshot(ks)) {
			assertThat(later.sequence()).isEqualTo(4);
			assertThat(text(later.get(List.of(bytes("k"))).get(0))).isEqualTo("v4");
			assertThat(keys(later.scan(ByteRange.all(), 100, false))).containsExactly("k", "new2", "new3", "new4");
		}
	}

	@Test
	void whenTwoKeyspacesHoldTheSameKeysThenReadsWritesAndSequencesStaySeparate() throws Exception {
		TestNode storage = open(newDatabase());
		PostgresKeyspace left = storage.keyspace("left");
		PostgresKeyspace right = storage.keyspace("right");
		assertThat(left.id()).isNotEqualTo(right.id());
		assertThat(storage.commit(left, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("L"))))).sequence()).isEqualTo(1);
		assertThat(storage.commit(left, TestBatch.of(List.of(TestBatch.put(bytes("l"), bytes("L"))))).sequence()).isEqualTo(2);
		assertThat(storage.commit(right, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("R"))))).sequence()).isEqualTo(1);
		storage.commit(right, TestBatch.of(List.of(TestBatch.del(bytes("l")))));
		try (TestSnapshot l = storage.snapshot(left); TestSnapshot r = storage.snapshot(right)) {
			assertThat(l.sequence()).isEqualTo(2);
			assertThat(r.sequence()).isEqualTo(2);
			assertThat(text(l.get(List.of(bytes("k"))).get(0))).isEqualTo("L");
			assertThat(text(r.get(List.of(bytes("k"))).get(0))).isEqualTo("R");
			assertThat(keys(l.scan(ByteRange.all(), 10, false))).containsExactly("k", "l");
			assertThat(keys(r.scan(ByteRange.all(), 10, false))).containsExactly("k");
		}
	}

	@Test
	void whenAKeyspaceNameIsBadThenItIsRefusedBeforeAnySql() throws Exception {
		CountingDataSource counting = new CountingDataSource(newDatabase());
		TestNode storage = TestNode.open(counting, fastSettings(), true);
		int connections = counting.connections.get();
		assertThatThrownBy(() -> storage.keyspace("")).isInstanceOf(PostgresInputException.class);
		assertThatThrownBy(() -> storage.keyspace("a\0b")).isInstanceOf(PostgresInputException.class);
		assertThatThrownBy(() -> storage.keyspace("x".repeat(201))).isInstanceOf(PostgresInputException.class)
			.hasMessageContaining("200 bytes");
		assertThat(counting.connections.get()).isEqualTo(connections);
		assertThat(storage.keyspace("x".repeat(200)).name()).hasSize(200);
	}

	static List<String> keys(List<Entry> entries) {
		List<String> keys = new ArrayList<>();
		for (Entry entry : entries) {
			keys.add(entry.key().length == 1 && (entry.key()[0] & 0xff) > 0x7f ? "\u00ff"
					: new String(entry.key(), java.nio.charset.StandardCharsets.ISO_8859_1));
		}
		return keys;
	}

}
