package io.levelmutex.postgres;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.engine.KeySpan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every conflict rule of a unit's validation at commit, each both conflicting and not: keys read, keys
 * written, spans (inserts, changes, deletes through tombstones), the tombstone horizon; and the batch-level
 * rules (last write of a key wins; the first rejected unit truncates the batch before its first write, at the
 * first, a middle or the last unit; nothing applied and no sequence taken when that is the batch's start).
 */
class CommitValidationTest extends ClusterTestSupport {

	private PGSimpleDataSource database;

	private TestNode node;

	private TestNode other;

	private PostgresKeyspace ks;

	@BeforeEach
	void setUp() {
		this.database = newDatabase();
		// Pooled, as applications run it: this class is about the commit function's rules, not connections.
		this.node = TestNode.open(pooled(this.database), fastSettings(), true);
		this.other = TestNode.open(pooled(this.database), fastSettings(), true);
		this.ks = this.node.keyspace("cas");
		// Sequence 1: the base state.
		commit(this.other, TestBatch.put(bytes("a"), bytes("1")), TestBatch.put(bytes("c"), bytes("3")),
				TestBatch.put(bytes("e"), bytes("5")));
	}

	@Test
	void whenAKeyReadChangesAfterTheSnapshotThenTheBatchStopsBeforeThatUnitAndOnlyThen() {
		long snapshot = 1;
		commit(this.other, TestBatch.put(bytes("a"), bytes("changed")));
		Committed result = this.node.commit(this.ks, TestBatch.of(
				List.of(TestBatch.put(bytes("p0"), bytes("plain")), TestBatch.put(bytes("x"), bytes("u0")),
						TestBatch.put(bytes("y"), bytes("u1")), TestBatch.put(bytes("after"), bytes("plain"))),
				List.of(unit(1, snapshot, List.of(bytes("c")), List.of(), List.of(bytes("x"))),
						unit(2, snapshot, List.of(bytes("a")), List.of(), List.of(bytes("y"))))));
		assertThat(result.committed()).isTrue();
		assertThat(result.sequence()).isEqualTo(3);
		assertThat(result.appliedOps()).isEqualTo(2);
		assertRejected(result, 1, RejectionReason.KEY_READ, "a");
		assertThat(read("p0")).isEqualTo("plain");
		assertThat(read("x")).isEqualTo("u0");
		assertThat(read("y")).isNull();
		assertThat(read("after")).as("nothing after the rejected unit").isNull();
		// A change at or before the snapshot's sequence is no conflict.
		Committed fresh = this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("x"), bytes("u2"))),
				List.of(unit(0, 3, List.of(bytes("a")), List.of(), List.of(bytes("x"))))));
		assertThat(fresh.rejected()).isNull();
		assertThat(fresh.appliedOps()).isEqualTo(1);
		assertThat(read("x")).isEqualTo("u2");
	}

	@Test
	void whenAKeyWrittenChangesOrIsDeletedAfterTheSnapshotThenTheUnitIsRejected() {
		commit(this.other, TestBatch.del(bytes("c")));
		Committed result = this.node.commit(this.ks, TestBatch.of(
				List.of(TestBatch.put(bytes("z"), bytes("mine")), TestBatch.put(bytes("c"), bytes("mine")),
						TestBatch.put(bytes("plain"), bytes("p"))),
				List.of(unit(0, 1, List.of(), List.of(), List.of(bytes("z"))),
						unit(1, 1, List.of(), List.of(), List.of(bytes("c"))))));
		assertRejected(result, 1, RejectionReason.KEY_WRITTEN, "c");
		assertThat(result.appliedOps()).isEqualTo(1);
		assertThat(read("c")).as("the other node's delete stands").isNull();
		assertThat(read("z")).isEqualTo("mine");
		assertThat(read("plain")).isNull();
	}

	@Test
	void whenAKeyIsInsertedIntoAnExaminedSpanThenTheUnitIsRejectedButNotForKeysOutsideOrAtTheExcludedEnd() {
		commit(this.other, TestBatch.put(bytes("b"), bytes("new")), TestBatch.put(bytes("f"), bytes("at-high")));
		Committed result = this.node.commit(this.ks, TestBatch.of(
				List.of(TestBatch.put(bytes("r0"), bytes("0")), TestBatch.put(bytes("r1"), bytes("1")),
						TestBatch.put(bytes("r2"), bytes("2")), TestBatch.put(bytes("r3"), bytes("3"))),
				List.of(unit(0, 1, List.of(), List.of(new KeySpan(bytes("c"), bytes("f"))), List.of(bytes("r0"))),
						unit(1, 1, List.of(), List.of(new KeySpan(bytes("x"), bytes("a"))), List.of(bytes("r1"))),
						unit(2, 1, List.of(), List.of(new KeySpan(bytes("e"), null)), List.of(bytes("r2"))),
						unit(3, 1, List.of(), List.of(new KeySpan(bytes("a"), bytes("c"))), List.of(bytes("r3"))))));
		assertRejected(result, 2, RejectionReason.SPAN, "f");
		assertThat(result.appliedOps()).as("[c, f) excludes f; an inverted span examined nothing").isEqualTo(2);
		assertThat(read("r0")).isEqualTo("0");
		assertThat(read("r1")).isEqualTo("1");
		assertThat(read("r2")).isNull();
		assertThat(read("r3")).isNull();
		Committed second = this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("r3"), bytes("3"))),
				List.of(unit(0, 1, List.of(), List.of(new KeySpan(bytes("a"), bytes("c"))), List.of(bytes("r3"))))));
		assertRejected(second, 0, RejectionReason.SPAN, "b");
		assertThat(second.committed()).isFalse();
	}

	@Test
	void whenAKeyInAnExaminedSpanIsDeletedThenItsTombstoneRejectsTheUnit() {
		commit(this.other, TestBatch.del(bytes("c")), TestBatch.del(bytes("never-existed")));
		assertThat(queryLongUnchecked("SELECT count(*) FROM " + prefix + "entry WHERE value IS NULL"))
			.as("a tombstone for the deleted key only").isEqualTo(1);
		Committed result = this.node.commit(this.ks, TestBatch.of(
				List.of(TestBatch.put(bytes("s1"), bytes("1")), TestBatch.put(bytes("s0"), bytes("0"))),
				List.of(unit(0, 1, List.of(), List.of(new KeySpan(bytes("d"), bytes("e"))), List.of(bytes("s1"))),
						unit(1, 1, List.of(), List.of(new KeySpan(bytes("b"), bytes("d"))), List.of(bytes("s0"))))));
		assertRejected(result, 1, RejectionReason.SPAN, "c");
		assertThat(read("s1")).isEqualTo("1");
		assertThat(read("s0")).isNull();
	}

	/**
	 * Three units, each with a plain write before it; the unit at {@code rejectedAt} read a key another node
	 * changed. Everything before that unit's first write is applied, nothing from it on.
	 */
	@ParameterizedTest(name = "rejected unit {0}")
	@ValueSource(ints = { 0, 1, 2 })
	void whenTheFirstMiddleOrLastUnitIsRejectedThenExactlyTheWritesBeforeItAreApplied(int rejectedAt) {
		commit(this.other, TestBatch.put(bytes("a"), bytes("changed")));
		List<io.levelmutex.WriteOperation> ops = new java.util.ArrayList<>();
		List<TestBatch.Unit> units = new java.util.ArrayList<>();
		for (int u = 0; u < 3; u++) {
			ops.add(TestBatch.put(bytes("plain" + u), bytes("p")));
			units.add(unit(ops.size(), 1, List.of(bytes(u == rejectedAt ? "a" : "c")), List.of(),
					List.of(bytes("unit" + u))));
			ops.add(TestBatch.put(bytes("unit" + u), bytes("u")));
			ops.add(TestBatch.put(bytes("shared"), bytes("unit" + u)));
		}
		Committed result = this.node.commit(this.ks, TestBatch.of(ops, units));
		int expectedApplied = 3 * rejectedAt + 1;
		assertThat(result.appliedOps()).isEqualTo(expectedApplied);
		assertThat(result.committed()).isTrue();
		assertThat(result.sequence()).isEqualTo(3);
		assertRejected(result, rejectedAt, RejectionReason.KEY_READ, "a");
		for (int u = 0; u < 3; u++) {
			assertThat(read("plain" + u)).as("plain" + u).isEqualTo(u <= rejectedAt ? "p" : null);
			assertThat(read("unit" + u)).as("unit" + u).isEqualTo(u < rejectedAt ? "u" : null);
		}
		assertThat(read("shared")).isEqualTo(rejectedAt == 0 ? null : "unit" + (rejectedAt - 1));
		assertThat(queryLongUnchecked("SELECT applied_ops FROM " + prefix + "batch WHERE seq = 3"))
			.as("the batch log records the applied prefix").isEqualTo(expectedApplied);
	}

	@Test
	void whenAUnitThatWritesNothingIsRejectedAtTheEndThenEveryWriteBeforeItIsApplied() {
		commit(this.other, TestBatch.put(bytes("a"), bytes("changed")));
		Committed result = this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("w"), bytes("1"))),
				List.of(unit(1, 1, List.of(bytes("a")), List.of(), List.of()))));
		assertThat(result.appliedOps()).isEqualTo(1);
		assertThat(result.committed()).isTrue();
		assertRejected(result, 0, RejectionReason.KEY_READ, "a");
		assertThat(read("w")).isEqualTo("1");
	}

	@Test
	void whenTheFirstUnitStartsTheBatchAndIsRejectedThenNothingCommitsAndNoSequenceIsTaken() {
		commit(this.other, TestBatch.put(bytes("a"), bytes("changed")));
		Committed result = this.node.commit(this.ks,
				TestBatch.of(List.of(TestBatch.put(bytes("q"), bytes("0")), TestBatch.put(bytes("later"), bytes("1"))),
						List.of(unit(0, 1, List.of(bytes("a")), List.of(), List.of(bytes("q"))))));
		assertThat(result.committed()).isFalse();
		assertThat(result.appliedOps()).isZero();
		assertThat(result.sequence()).isEqualTo(2);
		assertRejected(result, 0, RejectionReason.KEY_READ, "a");
		assertThat(read("later")).isNull();
		assertThat(commit(this.other, TestBatch.put(bytes("next"), bytes("n"))).sequence()).isEqualTo(3);
	}

	@Test
	void whenNothingOfABatchIsAppliedThenItsTransactionRollsBackLeavingTheKeyspaceRowUntouched() {
		commit(this.other, TestBatch.put(bytes("a"), bytes("changed")));
		String version = "SELECT xmin::text::bigint FROM " + prefix + "keyspace WHERE id = " + this.ks.id();
		long before = queryLongUnchecked(version);
		Committed result = this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("q"), bytes("0"))),
				List.of(unit(0, 1, List.of(bytes("a")), List.of(), List.of(bytes("q"))))));
		assertRejected(result, 0, RejectionReason.KEY_READ, "a");
		assertThat(result.committed()).isFalse();
		assertThatThrownBy(() -> this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("f"), bytes("v"))),
				List.of(unit(0, 9, List.of(), List.of(), List.of(bytes("f")))))))
			.isInstanceOf(PostgresInputException.class).hasMessageContaining("snapshot sequence 9");
		assertThat(queryLongUnchecked(version))
			.as("no transaction that wrote the keyspace row committed (no commit record, no WAL flush)").isEqualTo(before);
	}

	@Test
	void whenTheLastWriteOfAKeyIsADeleteThenTheKeyIsGoneAndViceVersa() {
		Committed result = commit(this.node, TestBatch.put(bytes("m"), bytes("1")), TestBatch.del(bytes("m")),
				TestBatch.del(bytes("a")), TestBatch.put(bytes("a"), bytes("again")), TestBatch.put(bytes("a"), bytes("last")));
		assertThat(result.sequence()).isEqualTo(2);
		assertThat(read("m")).isNull();
		assertThat(read("a")).isEqualTo("last");
	}

	@Test
	void whenABatchOverwritesKeysThatHaveRowsThenEachCarriesItsSequenceAndDeletesLeaveTombstonesOnlyWhereAValueWas() {
		// Batches of several writes: the commit function, its puts-only form (2) and its form with deletes (3).
		commit(this.other, TestBatch.put(bytes("a"), bytes("2")), TestBatch.put(bytes("n"), bytes("new")),
				TestBatch.put(bytes("a"), bytes("2b")));                                                      // 2
		assertThat(entrySeq("a")).as("an existing row updated, with the batch's sequence").isEqualTo(2);
		assertThat(entrySeq("n")).as("a new row inserted").isEqualTo(2);
		assertThat(entrySeq("c")).isEqualTo(1);
		assertThat(read("a")).isEqualTo("2b");
		commit(this.other, TestBatch.del(bytes("c")), TestBatch.put(bytes("e"), bytes("3")), TestBatch.del(bytes("none")),
				TestBatch.put(bytes("n"), bytes("3"))); // 3
		assertThat(read("c")).isNull();
		assertThat(entrySeq("c")).as("the tombstone carries the delete's sequence").isEqualTo(3);
		assertThat(entrySeq("e")).isEqualTo(3);
		assertThat(entrySeq("n")).isEqualTo(3);
		assertThat(queryLongUnchecked("SELECT count(*) FROM " + prefix + "entry WHERE key = 'none'::bytea"))
			.as("no tombstone where no value was").isZero();
		assertThat(queryLongUnchecked("SELECT count(*) FROM " + prefix + "tombstone WHERE seq = 3")).isEqualTo(1);
		commit(this.other, TestBatch.del(bytes("c")), TestBatch.put(bytes("q"), bytes("4")));                       // 4
		assertThat(entrySeq("c")).as("a delete of a tombstone leaves it as it was").isEqualTo(3);
		assertThat(queryLongUnchecked("SELECT count(*) FROM " + prefix + "tombstone WHERE seq = 4")).isZero();
		commit(this.other, TestBatch.put(bytes("c"), bytes("back")), TestBatch.put(bytes("p"), bytes("5")));        // 5
		assertThat(read("c")).as("a put over a tombstone").isEqualTo("back");
		assertThat(entrySeq("c")).isEqualTo(5);
		// An update that read or writes a key a later batch of puts overwrote is rejected.
		Committed read = this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("x"), bytes("u"))),
				List.of(unit(0, 1, List.of(bytes("a")), List.of(), List.of(bytes("x"))))));
		assertRejected(read, 0, RejectionReason.KEY_READ, "a");
		Committed written = this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("e"), bytes("u"))),
				List.of(unit(0, 2, List.of(), List.of(), List.of(bytes("e"))))));
		assertRejected(written, 0, RejectionReason.KEY_WRITTEN, "e");
		assertThat(read("e")).isEqualTo("3");
	}

	private long entrySeq(String key) {
		return queryLongUnchecked("SELECT seq FROM " + prefix + "entry WHERE keyspace_id = " + this.ks.id()
				+ " AND key = '" + key + "'::bytea");
	}

	@Test
	void whenTombstonesAreCleanedUpThenOnlyOldOnesGoAndOlderSnapshotsAreRejected() {
		TestNode cleaning = TestNode.open(this.database, fastSettings().withTombstoneRetention(2), true);
		commit(this.other, TestBatch.del(bytes("a")));                 // 2
		commit(this.other, TestBatch.del(bytes("c")));                 // 3
		commit(this.other, TestBatch.put(bytes("p"), bytes("x")));     // 4
		commit(this.other, TestBatch.del(bytes("e")));                 // 5
		assertThat(cleaning.cleanUp(this.ks, 1)).as("bounded: one per call").isEqualTo(1);
		assertThat(cleaning.cleanUp(this.ks, 100)).as("horizon 3: the tombstones of 2 and 3").isEqualTo(1);
		assertThat(cleaning.cleanUp(this.ks, 100)).isZero();
		assertThat(queryLongUnchecked("SELECT count(*) FROM " + prefix + "entry WHERE value IS NULL")).isEqualTo(1);
		assertThatThrownBy(() -> cleaning.cleanUp(this.ks, 0)).isInstanceOf(PostgresInputException.class);
		Committed result = this.node.commit(this.ks, TestBatch.of(
				List.of(TestBatch.put(bytes("o1"), bytes("1")), TestBatch.put(bytes("o0"), bytes("0"))),
				List.of(unit(0, 3, List.of(bytes("zz")), List.of(), List.of(bytes("o1"))),
						unit(1, 2, List.of(bytes("zz")), List.of(), List.of(bytes("o0"))))));
		assertThat(result.rejected()).satisfies((rejected) -> {
			assertThat(rejected.unit()).isEqualTo(1);
			assertThat(rejected.reason()).isEqualTo(RejectionReason.SNAPSHOT_TOO_OLD);
			assertThat(rejected.key()).isNull();
		});
		assertThat(result.appliedOps()).isEqualTo(1);
		assertThat(read("o1")).isEqualTo("1");
		assertThat(read("o0")).isNull();
	}

	@Test
	void whenADeletedKeyIsWrittenAgainThenTheCleanUpKeepsItAndRemovesOnlyTheTombstoneThatIsStillThere() {
		TestNode cleaning = TestNode.open(this.database, fastSettings().withTombstoneRetention(1), true);
		commit(this.other, TestBatch.del(bytes("a")), TestBatch.del(bytes("c")));      // 2: two tombstones
		commit(this.other, TestBatch.put(bytes("a"), bytes("back")));                  // 3: "a" lives again
		commit(this.other, TestBatch.put(bytes("c"), bytes("x")));                     // 4: "c" too
		commit(this.other, TestBatch.del(bytes("c")), TestBatch.del(bytes("nothing"))); // 5: "c" again, no value
		commit(this.other, TestBatch.put(bytes("p"), bytes("x")));                     // 6
		// Horizon 5: the tombstone rows of 2 ("a", "c") and 5 ("c"); "a" lives, "c" is 5's tombstone, not 2's.
		assertThat(cleaning.cleanUp(this.ks, 100)).as("only the tombstone of 5 is still there").isEqualTo(1);
		assertThat(cleaning.cleanUp(this.ks, 100)).isZero();
		assertThat(read("a")).isEqualTo("back");
		assertThat(queryLongUnchecked("SELECT count(*) FROM " + prefix + "entry WHERE value IS NULL")).isZero();
		assertThat(queryLongUnchecked("SELECT count(*) FROM " + prefix + "tombstone")).as("every row taken").isZero();
		// A key deleted after the horizon keeps its tombstone, and it still rejects an update that examined it.
		commit(this.other, TestBatch.put(bytes("e2"), bytes("x")));                    // 7
		commit(this.other, TestBatch.del(bytes("e2")));                                // 8
		assertThat(cleaning.cleanUp(this.ks, 100)).isZero();
		Committed result = this.node.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("z"), bytes("1"))),
				List.of(unit(0, 7, List.of(bytes("e2")), List.of(), List.of(bytes("z"))))));
		assertThat(result.committed()).isFalse();
		assertThat(result.rejected().reason()).isEqualTo(RejectionReason.KEY_READ);
	}

	@Test
	void whenABatchIsMalformedThenItIsRefusedBeforeAnySqlAndAFutureSnapshotRollsBack() {
		CountingDataSource counting = new CountingDataSource(this.database);
		TestNode storage = TestNode.open(counting, fastSettings(), true);
		int connections = counting.connections.get();
		byte[] longest = new byte[PostgresSettings.MAX_KEY_BYTES];
		new java.util.Random(7).nextBytes(longest);
		assertThatThrownBy(() -> storage.commit(this.ks, TestBatch.of(List.of())))
			.isInstanceOf(PostgresInputException.class).hasMessageContaining("no writes");
		assertThatThrownBy(() -> storage.commit(this.ks,
				TestBatch.of(List.of(TestBatch.put(new byte[PostgresSettings.MAX_KEY_BYTES + 1], bytes("v"))))))
			.isInstanceOf(PostgresInputException.class)
			.hasMessageContaining("'cas'")
			.hasMessageContaining("2048 bytes")
			.hasMessageContaining("(2049 bytes)");
		assertThatThrownBy(() -> storage.commit(this.ks, TestBatch.of(List.of(TestBatch.put(new byte[0], bytes("v"))))))
			.isInstanceOf(PostgresInputException.class).hasMessageContaining("null or empty");
		assertThatThrownBy(() -> storage.commit(this.ks,
				TestBatch.of(List.of(TestBatch.put(bytes("big"), new byte[storage.settings().maxValueBytes() + 1])))))
			.isInstanceOf(PostgresInputException.class).hasMessageContaining("\"big\"").hasMessageContaining("8388608");
		assertThatThrownBy(() -> storage.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("v"))),
				List.of(unit(2, 1, List.of(), List.of(), List.of())))))
			.isInstanceOf(PostgresInputException.class).hasMessageContaining("unit 0 starts at write 2");
		assertThatThrownBy(() -> storage.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("k"), bytes("v"))),
				List.of(unit(1, 1, List.of(), List.of(), List.of()), unit(0, 1, List.of(), List.of(), List.of())))))
			.isInstanceOf(PostgresInputException.class).hasMessageContaining("unit 1 starts at write 0");
		assertThat(counting.connections.get()).as("nothing was sent").isEqualTo(connections);
		// A key of exactly the limit, incompressible, fits the B-tree index.
		assertThat(storage.commit(this.ks, TestBatch.of(List.of(TestBatch.put(longest, bytes("fits"))))).sequence()).isEqualTo(2);
		assertThatThrownBy(() -> storage.commit(this.ks, TestBatch.of(List.of(TestBatch.put(bytes("f"), bytes("v"))),
				List.of(unit(0, 9, List.of(), List.of(), List.of(bytes("f")))))))
			.isInstanceOf(PostgresInputException.class).hasMessageContaining("snapshot sequence 9");
		assertThat(commit(this.other, TestBatch.put(bytes("g"), bytes("v"))).sequence())
			.as("the refused batch left no gap").isEqualTo(3);
		try (TestSnapshot snapshot = storage.snapshot(this.ks)) {
			assertThat(text(snapshot.get(List.of(longest)).get(0))).isEqualTo("fits");
		}
	}

	/**
	 * Seeded random batches against a model of the rules: updates over six keys that read and write the same keys
	 * (read-modify-write), new keys, deletes of present, deleted and absent keys, plain writes between updates,
	 * snapshots up to three batches old while the other node keeps writing. Each result (applied prefix, rejected
	 * update, reason, key, sequence) and every key's value afterwards must match the model, whichever way the
	 * function decides (the one-statement apply when nothing conflicts, the exact validation otherwise). Batches of
	 * up to 4 updates list at most 16 keys (the function's probe per listed key); up to 12 updates, some list more
	 * (its form for larger batches: one index scan of the sorted keys): both forms must give the same outcomes.
	 * With one write per batch every batch is a blind put or delete or one update of one write reading nothing, its
	 * key or another key: {@link OneWriteCommit}'s plain statement commits them all, against the same model.
	 */
	@ParameterizedTest(name = "seed {0}, up to {1} updates, one write {2}")
	@CsvSource({ "11, 4, false", "20261206, 4, false", "11, 12, false", "20261206, 12, false", "11, 1, true",
			"20261206, 1, true" })
	void whenRandomUpdatesConflictOrNotThenEveryOutcomeMatchesTheModel(long seed, int maxUpdates, boolean oneWrite) {
		java.util.Random random = new java.util.Random(seed);
		java.util.Map<String, String> values = new java.util.HashMap<>(java.util.Map.of("a", "1", "c", "3", "e", "5"));
		java.util.Map<String, Long> seqs = new java.util.HashMap<>(java.util.Map.of("a", 1L, "c", 1L, "e", 1L));
		String[] keys = { "a", "b", "c", "d", "e", "f" };
		long sequence = 1;
		int rejections = 0;
		int fullyApplied = 0;
		int overSixteenKeys = 0;
		int oneStatement = 0;
		for (int round = 0; round < 40; round++) {
			int others = random.nextInt(3);
			if (others > 0) {
				List<io.levelmutex.WriteOperation> ops = new java.util.ArrayList<>();
				for (int i = 0; i < others; i++) {
					ops.add(randomOp(random, keys, "o" + round));
				}
				commit(this.other, ops.toArray(io.levelmutex.WriteOperation[]::new));
				sequence++;
				applyToModel(ops, ops.size(), sequence, values, seqs);
			}
			List<io.levelmutex.WriteOperation> ops = new java.util.ArrayList<>();
			List<TestBatch.Unit> units = new java.util.ArrayList<>();
			int unitCount = oneWrite ? 0 : 1 + random.nextInt(maxUpdates);
			if (oneWrite) {
				oneWriteBatch(random, keys, round, sequence, ops, units);
			}
			for (int u = 0; u < unitCount; u++) {
				if (random.nextInt(3) == 0) {
					ops.add(randomOp(random, keys, "p" + round));
				}
				List<byte[]> reads = new java.util.ArrayList<>();
				for (int r = random.nextInt(3); r > 0; r--) {
					reads.add(bytes(keys[random.nextInt(keys.length)]));
				}
				int first = ops.size();
				List<byte[]> writes = new java.util.ArrayList<>();
				for (int w = random.nextInt(3); w > 0; w--) {
					io.levelmutex.WriteOperation op = random.nextInt(3) == 0 || reads.isEmpty()
							? randomOp(random, keys, "u" + round)
							: TestBatch.put(reads.get(random.nextInt(reads.size())), bytes("u" + round));
					ops.add(op);
					writes.add(op.key());
				}
				long snapshot = Math.max(1, sequence - random.nextInt(4));
				units.add(unit(first, snapshot, reads, List.of(), writes));
			}
			if (ops.isEmpty()) {
				ops.add(randomOp(random, keys, "p" + round));
			}
			if (units.stream().mapToInt((unit) -> unit.readKeys().size() + unit.writtenKeys().size()).sum() > 16) {
				overSixteenKeys++;
			}
			// The model: the first update (in order; its read keys, then its written keys) with a key changed after
			// its snapshot is rejected, and the batch applies the writes before its first write.
			int applied = ops.size();
			int rejectedUnit = -1;
			String rejectedKey = null;
			RejectionReason reason = null;
			for (int u = 0; u < units.size() && rejectedUnit < 0; u++) {
				TestBatch.Unit unit = units.get(u);
				List<byte[]> footprint = new java.util.ArrayList<>(unit.readKeys());
				footprint.addAll(unit.writtenKeys());
				for (int k = 0; k < footprint.size(); k++) {
					String key = text(footprint.get(k));
					if (seqs.getOrDefault(key, 0L) > unit.snapshotSequence()) {
						rejectedUnit = u;
						rejectedKey = key;
						reason = k < unit.readKeys().size() ? RejectionReason.KEY_READ : RejectionReason.KEY_WRITTEN;
						applied = unit.firstOp();
						break;
					}
				}
			}
			TestBatch batch = TestBatch.of(ops, units);
			if (OneWriteCommit.fits(batch.batch())) {
				oneStatement++;
			}
			Committed result = this.node.commit(this.ks, batch);
			String round0 = "seed " + seed + " round " + round;
			assertThat(result.appliedOps()).as(round0).isEqualTo(applied);
			assertThat(result.committed()).as(round0).isEqualTo(applied > 0);
			if (rejectedUnit < 0) {
				assertThat(result.rejected()).as(round0).isNull();
				fullyApplied++;
			}
			else {
				assertThat(result.rejected()).as(round0 + ": rejected update " + rejectedUnit).isNotNull();
				assertRejected(result, rejectedUnit, reason, rejectedKey);
				rejections++;
			}
			if (applied > 0) {
				sequence++;
				assertThat(result.sequence()).as(round0).isEqualTo(sequence);
				applyToModel(ops, applied, sequence, values, seqs);
			}
			for (String key : keys) {
				assertThat(read(key)).as(round0 + " key " + key).isEqualTo(values.get(key));
			}
		}
		assertThat(rejections).as("rejected batches").isPositive();
		assertThat(fullyApplied).as("batches applied whole").isPositive();
		if (maxUpdates > 4) {
			assertThat(overSixteenKeys).as("batches listing more than 16 keys").isPositive();
		}
		if (oneWrite) {
			assertThat(oneStatement).as("batches the one-write statement commits").isEqualTo(40);
		}
	}

	/**
	 * A batch of one write, as {@link OneWriteCommit} takes it: a blind put or delete, or one update that read
	 * nothing, its key, or another key (once or twice) and wrote a put or a delete.
	 */
	private static void oneWriteBatch(java.util.Random random, String[] keys, int round, long sequence,
			List<io.levelmutex.WriteOperation> ops, List<TestBatch.Unit> units) {
		io.levelmutex.WriteOperation op = randomOp(random, keys, "u" + round);
		ops.add(op);
		if (random.nextInt(4) == 0) {
			return;
		}
		List<byte[]> reads = new java.util.ArrayList<>();
		byte[] read = random.nextBoolean() ? op.key() : bytes(keys[random.nextInt(keys.length)]);
		for (int r = random.nextInt(3); r > 0; r--) {
			reads.add(read);
		}
		units.add(unit(0, Math.max(1, sequence - random.nextInt(4)), reads, List.of(), List.of(op.key())));
	}

	private static io.levelmutex.WriteOperation randomOp(java.util.Random random, String[] keys, String value) {
		byte[] key = bytes(keys[random.nextInt(keys.length)]);
		return random.nextInt(4) == 0 ? TestBatch.del(key) : TestBatch.put(key, bytes(value));
	}

	/** A delete leaves a tombstone (a new sequence) only where a value was. */
	private static void applyToModel(List<io.levelmutex.WriteOperation> ops, int count, long sequence,
			java.util.Map<String, String> values, java.util.Map<String, Long> seqs) {
		java.util.Map<String, io.levelmutex.WriteOperation> last = new java.util.LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			last.put(text(ops.get(i).key()), ops.get(i));
		}
		last.forEach((key, op) -> {
			if (op.value() != null) {
				values.put(key, text(op.value()));
				seqs.put(key, sequence);
			}
			else if (values.get(key) != null) {
				values.remove(key);
				seqs.put(key, sequence);
			}
		});
	}

	@Test
	void whenABatchGrowsThenItsCommitStillTakesTheSameFewStatements() {
		CountingDataSource counting = new CountingDataSource(this.database);
		TestNode storage = TestNode.open(counting, fastSettings(), true);
		int small = statementsOfCommit(counting, storage, 1, 1);
		int large = statementsOfCommit(counting, storage, 1000, 100);
		assertThat(large).as("statements of a batch of 1,000 puts, 1,000 deletes, 100 units").isEqualTo(small);
		assertThat(small).as("one call of the commit function: lock, validation, writes, batch log, COMMIT")
			.isEqualTo(1);
		try (TestSnapshot snapshot = storage.snapshot(this.ks)) {
			assertThat(snapshot.scan(ByteRange.closedOpen(bytes("big/"), bytes("big0")), 5000, false)).hasSize(1000);
		}
	}

	private int statementsOfCommit(CountingDataSource counting, TestNode storage, int size, int units) {
		String tag = size == 1 ? "small/" : "big/";
		List<io.levelmutex.WriteOperation> ops = new java.util.ArrayList<>();
		List<TestBatch.Unit> footprints = new java.util.ArrayList<>();
		for (int i = 0; i < size; i++) {
			ops.add(TestBatch.put(bytes(tag + i), bytes("v")));
			ops.add(TestBatch.put(bytes("gone/" + tag + i), bytes("v")));
			ops.add(TestBatch.del(bytes("gone/" + tag + i)));
		}
		for (int u = 0; u < units; u++) {
			footprints.add(unit(3 * u, 1, List.of(bytes("r" + u)), List.of(new KeySpan(bytes("s" + u), bytes("s" + u + "~"))),
					List.of(bytes(tag + u))));
		}
		int before = counting.executions.get();
		Committed result = storage.commit(this.ks, TestBatch.of(ops, footprints));
		assertThat(result.rejected()).isNull();
		return counting.executions.get() - before;
	}

	static TestBatch.Unit unit(int firstOp, long snapshot, List<byte[]> reads, List<KeySpan> spans, List<byte[]> writes) {
		return new TestBatch.Unit(firstOp, snapshot, reads, spans, writes);
	}

	private Committed commit(TestNode storage, io.levelmutex.WriteOperation... ops) {
		return storage.commit(this.ks, TestBatch.of(List.of(ops)));
	}

	private String read(String key) {
		try (TestSnapshot snapshot = this.node.snapshot(this.ks)) {
			byte[] value = snapshot.get(List.of(bytes(key))).get(0);
			return value == null ? null : text(value);
		}
	}

	private long queryLongUnchecked(String sql) {
		try {
			return queryLong(this.database, sql);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void assertRejected(Committed result, int unit, RejectionReason reason, String key) {
		assertThat(result.rejected()).satisfies((rejected) -> {
				assertThat(rejected.unit()).isEqualTo(unit);
				assertThat(rejected.reason()).isEqualTo(reason);
				assertThat(text(rejected.key())).isEqualTo(key);
			});
	}

}
