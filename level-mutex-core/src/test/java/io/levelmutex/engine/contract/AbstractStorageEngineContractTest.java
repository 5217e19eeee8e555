package io.levelmutex.engine.contract;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.EngineTestOperations;
import io.levelmutex.InvalidInputException;
import io.levelmutex.Keyspace;
import io.levelmutex.StorageException;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.StorageEngine;
import io.levelmutex.engine.UpdateFootprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour of the storage-engine SPI ({@code io.levelmutex.engine}) that the core relies on, for every
 * engine: snapshot isolation, multi-get order, scan bounds, direction and limits, atomic commits, sequences,
 * key and value limits, failures, update validation (for engines that validate) and keyspace isolation.
 *
 * <p>Each engine's test module extends this class with a factory ({@link #openEngine()}) and a way to make a
 * commit fail ({@link #failNextCommit()}); where engines legitimately differ, a documented hook says which way
 * the engine goes ({@link #keyspacesContainNarrowerKeyspaces()}, {@link #sequencesSurviveReopen()},
 * {@link #openOtherWriter(Keyspace)}, {@link #largestLimitTested()}). Published in level-mutex-core's test-jar
 * (classifier {@code tests}).
 *
 * <p>The suite talks to the SPI as the core does: keys carry the storage's {@link KeyspaceStorage#keyPrefix()},
 * scans to the end of a keyspace end at the prefix's successor, and every batch has at least one operation.
 */
public abstract class AbstractStorageEngineContractTest {

	/** The keyspace most tests use. */
	protected static final Keyspace ORDERS = Keyspace.forMutex("orders");

	/** The engine of the running test, opened on first use; owned by the JUnit thread. */
	private @Nullable StorageEngine engine;

	/** Every keyspace storage the test opened (the other writers' included), closed after it. */
	private final List<KeyspaceStorage> opened = new ArrayList<>();

	private long batchNumber;

	/**
	 * Opens a new engine on empty storage (a fresh directory, fresh tables). Called at most once per test, on
	 * first use, after the subclass's {@code @BeforeEach} methods.
	 * @return the engine; the suite closes it after the test
	 */
	protected abstract StorageEngine openEngine();

	/**
	 * Makes the next commit of the engine fail before anything of it is applied, the way the engine's own
	 * storage fails (an I/O error, a failed statement): the engine must report it as a {@link StorageException}.
	 */
	protected abstract void failNextCommit();

	/**
	 * Opens {@code keyspace} as another writer sees it (another node sharing the storage), for engines that
	 * validate updates against other writers. Engines without other writers ({@link
	 * KeyspaceStorage#validatesUpdates()} false) keep the default, empty.
	 * @param keyspace the keyspace
	 * @return the other writer's storage of the keyspace, or empty when the engine has no other writers
	 */
	protected Optional<KeyspaceStorage> openOtherWriter(Keyspace keyspace) {
		return Optional.empty();
	}

	/**
	 * Whether the keyspace of a whole column family holds the keys of the narrower keyspaces of that family
	 * (a prefix within it). {@code true} on engines that tell keyspaces apart by a key prefix in shared storage
	 * (the embedded RocksDB engine); {@code false}, the default, on engines that give each keyspace storage of its
	 * own (PostgreSQL, the in-memory test engine). A store never opens overlapping keyspaces, so the core depends
	 * on neither.
	 * @return whether narrower keyspaces are visible in the wider one
	 */
	protected boolean keyspacesContainNarrowerKeyspaces() {
		return false;
	}

	/**
	 * Whether a keyspace's sequence carries on when its storage is closed and opened again. {@code true}, the
	 * default, on engines that keep the sequence with the data; {@code false} on engines whose sequence counts the
	 * batches committed since the storage was opened (the embedded RocksDB engine: no other writer ever needs to
	 * compare sequences with it).
	 * @return whether sequences survive a reopen
	 */
	protected boolean sequencesSurviveReopen() {
		return true;
	}

	/**
	 * The largest key or value this suite allocates. An engine whose limit is at most this is tested exactly
	 * at its limit and one byte over; one whose limit is larger (RocksDB's 2 GiB slices) is tested with a key and
	 * a value of this size.
	 * @return a size in bytes
	 */
	protected int largestLimitTested() {
		return 16 * 1024 * 1024;
	}

	/** Closes every storage the test opened, then the engine; failures of the closes fail the test. */
	@AfterEach
	final void closeEngine() {
		try {
			for (KeyspaceStorage storage : this.opened) {
				storage.close();
			}
			if (this.engine != null) {
				this.engine.close();
			}
		}
		finally {
			this.opened.clear();
			this.engine = null;
			engineClosed();
		}
	}

	/** Runs after the engine closed: the subclass releases what it opened besides (other writers, directories). */
	protected void engineClosed() {
	}

	/**
	 * The engine of the running test, opened on first use.
	 * @return the engine
	 */
	protected final StorageEngine engine() {
		if (this.engine == null) {
			this.engine = openEngine();
		}
		return this.engine;
	}

	// ---- opening

	@Test
	void whenAKeyspaceIsOpenedThenItsPrefixIsEmptyOrItsOwnAndItsLimitsLeaveRoomForKeysAndValues() {
		KeyspaceStorage orders = open(ORDERS);
		byte[] prefix = orders.keyPrefix();
		assertThat(prefix.length == 0 || Arrays.equals(prefix, ORDERS.prefix()))
			.as("prefix %s: empty or the keyspace's", Arrays.toString(prefix))
			.isTrue();
		assertThat(orders.maxKeyBytes()).isGreaterThan(prefix.length);
		assertThat(orders.maxValueBytes()).isPositive();
		assertThat(engine().description()).isNotBlank();
		assertThat(engine().health().open()).isTrue();
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(snapshot.sequence()).as("nothing committed yet").isZero();
			assertThat(scan(orders, snapshot, "", null, 10, true)).isEmpty();
		}
	}

	// ---- snapshots

	@Test
	void whenBatchesAreCommittedDuringASnapshotThenItKeepsItsStateAndSequence() {
		KeyspaceStorage orders = open(ORDERS);
		long first = commit(orders, put(orders, "a", "1"), put(orders, "b", "1")).sequence();
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(snapshot.sequence()).isEqualTo(first);
			long second = commit(orders, put(orders, "a", "2"), del(orders, "b"), put(orders, "c", "2")).sequence();
			assertThat(text(snapshot.get(stored(orders, "a")))).isEqualTo("1");
			assertThat(text(snapshot.get(stored(orders, "b")))).isEqualTo("1");
			assertThat(snapshot.get(stored(orders, "c"))).isNull();
			assertThat(scan(orders, snapshot, "", null, 10, true)).containsExactly("a", "b");
			assertThat(scan(orders, snapshot, "", null, 10, false)).containsExactly("b", "a");
			assertThat(snapshot.sequence()).isEqualTo(first);
			try (ReadSnapshot later = orders.snapshot()) {
				assertThat(later.sequence()).isEqualTo(second);
				assertThat(scan(orders, later, "", null, 10, true)).containsExactly("a", "c");
				assertThat(text(later.get(stored(orders, "a")))).isEqualTo("2");
			}
		}
	}

	@Test
	void whenSnapshotsAreClosedTwiceThenNothingIsThrown() {
		KeyspaceStorage orders = open(ORDERS);
		commit(orders, put(orders, "a", "1"));
		ReadSnapshot snapshot = orders.snapshot();
		assertThat(text(snapshot.get(stored(orders, "a")))).isEqualTo("1");
		snapshot.close();
		snapshot.close();
		try (ReadSnapshot again = orders.snapshot()) {
			assertThat(text(again.get(stored(orders, "a")))).isEqualTo("1");
		}
	}

	// ---- multi-get

	@Test
	void whenKeysAreReadTogetherThenValuesComeInRequestOrderWithDuplicatesAndMisses() {
		KeyspaceStorage orders = open(ORDERS);
		commit(orders, put(orders, "k1", "v1"), put(orders, "k2", "v2"), put(orders, "k3", "v3"));
		try (ReadSnapshot snapshot = orders.snapshot()) {
			List<byte @Nullable []> values = snapshot.multiGet(List.of(stored(orders, "k3"), stored(orders, "missing"),
					stored(orders, "k1"), stored(orders, "k3"), stored(orders, "k")));
			assertThat(values).hasSize(5);
			assertThat(text(values.get(0))).isEqualTo("v3");
			assertThat(values.get(1)).isNull();
			assertThat(text(values.get(2))).isEqualTo("v1");
			assertThat(text(values.get(3))).isEqualTo("v3");
			assertThat(values.get(4)).as("a prefix of stored keys is no key").isNull();
			assertThat(snapshot.multiGet(List.of(stored(orders, "k2")))).hasSize(1);
			assertThat(snapshot.multiGet(List.of())).isEmpty();
			assertThat(text(snapshot.get(stored(orders, "k2")))).isEqualTo("v2");
			assertThat(snapshot.get(stored(orders, "k4"))).isNull();
		}
	}

	// ---- scans

	@Test
	void whenRangesAreScannedThenTheLowerBoundIsIncludedTheUpperExcludedAndOpenEndsReachTheKeyspaceEnds() {
		KeyspaceStorage orders = open(ORDERS);
		commit(orders, put(orders, "a", "1"), put(orders, "b", "2"), put(orders, "b\0", "3"), put(orders, "c", "4"),
				put(orders, "\u00ff", "5"));
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(scan(orders, snapshot, "b", "c", 10, true)).as("[b, c)").containsExactly("b", "b\0");
			assertThat(scan(orders, snapshot, "b", "c", 10, false)).as("[b, c) descending").containsExactly("b\0", "b");
			assertThat(scan(orders, snapshot, "b\0", "c\0", 10, true)).as("[b\\0, c\\0)").containsExactly("b\0", "c");
			assertThat(scan(orders, snapshot, "a\0", "b\0", 10, true)).as("exclusive lower via successor")
				.containsExactly("b");
			assertThat(scan(orders, snapshot, "", null, 10, true)).as("unbounded")
				.containsExactly("a", "b", "b\0", "c", "\u00ff");
			assertThat(scan(orders, snapshot, "", null, 10, false)).as("unbounded, descending")
				.containsExactly("\u00ff", "c", "b\0", "b", "a");
			assertThat(scan(orders, snapshot, "", "b", 10, false)).as("open start").containsExactly("a");
			assertThat(scan(orders, snapshot, "c", null, 10, true)).as("open end").containsExactly("c", "\u00ff");
			assertThat(scan(orders, snapshot, "\u00ff\u00ff", null, 10, true)).as("past the last key").isEmpty();
			assertThat(scan(orders, snapshot, "", "a", 10, false)).as("before the first key").isEmpty();
		}
	}

	@Test
	void whenARangeIsEmptyOrInvertedThenScansInBothDirectionsFindNothing() {
		KeyspaceStorage orders = open(ORDERS);
		commit(orders, put(orders, "a", "1"), put(orders, "b", "2"), put(orders, "c", "3"));
		try (ReadSnapshot snapshot = orders.snapshot()) {
			for (boolean ascending : new boolean[] { true, false }) {
				assertThat(scan(orders, snapshot, "b", "b", 10, ascending)).as("empty, ascending %s", ascending)
					.isEmpty();
				assertThat(scan(orders, snapshot, "c", "a", 10, ascending)).as("inverted, ascending %s", ascending)
					.isEmpty();
				assertThat(scan(orders, snapshot, "b\0", "b", 10, ascending)).as("inverted by one byte").isEmpty();
			}
		}
	}

	@ParameterizedTest(name = "ascending {0}")
	@ValueSource(booleans = { true, false })
	void whenAScanIsLimitedThenItReturnsTheFirstEntriesInItsDirectionUpToTheLimit(boolean ascending) {
		KeyspaceStorage orders = open(ORDERS);
		commit(orders, put(orders, "k1", "1"), put(orders, "k2", "2"), put(orders, "k3", "3"), put(orders, "k4", "4"));
		List<String> all = ascending ? List.of("k1", "k2", "k3", "k4") : List.of("k4", "k3", "k2", "k1");
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(scan(orders, snapshot, "", null, 1, ascending)).containsExactlyElementsOf(all.subList(0, 1));
			assertThat(scan(orders, snapshot, "", null, 3, ascending)).containsExactlyElementsOf(all.subList(0, 3));
			assertThat(scan(orders, snapshot, "", null, 4, ascending)).as("exactly as many as present")
				.containsExactlyElementsOf(all);
			assertThat(scan(orders, snapshot, "", null, 5, ascending)).as("more than present")
				.containsExactlyElementsOf(all);
			assertThat(scan(orders, snapshot, "", null, Integer.MAX_VALUE, ascending)).containsExactlyElementsOf(all);
			assertThat(scan(orders, snapshot, "k2", "k4", 1, ascending)).as("limit 1 within bounds")
				.containsExactly(ascending ? "k2" : "k3");
			List<KeyValue> entries = snapshot.scan(new KeySpan(stored(orders, "k2"), stored(orders, "k3")), 10,
					ascending);
			assertThat(entries).hasSize(1);
			assertThat(entries.get(0).key()).as("keys come with the prefix").isEqualTo(stored(orders, "k2"));
			assertThat(text(entries.get(0).value())).isEqualTo("2");
		}
	}

	@Test
	void whenKeysAreBinaryThenTheyAreOrderedAsUnsignedBytes() {
		KeyspaceStorage orders = open(ORDERS);
		byte[][] keys = { { 0x00 }, { 0x01 }, { 0x7f }, { (byte) 0x80 }, { (byte) 0xff }, { (byte) 0xff, 0x00 } };
		List<WriteOperation> operations = new ArrayList<>();
		for (int i = keys.length - 1; i >= 0; i--) {
			operations.add(write(orders, keys[i], bytes("v" + i)));
		}
		commit(orders, operations, List.of());
		try (ReadSnapshot snapshot = orders.snapshot()) {
			List<KeyValue> ascending = snapshot.scan(new KeySpan(prefixed(orders, new byte[0]), end(orders)), 10,
					true);
			assertThat(ascending).extracting((entry) -> relative(orders, entry.key()))
				.containsExactly(keys);
			List<KeyValue> descending = snapshot.scan(
					new KeySpan(prefixed(orders, new byte[] { 0x7f }), prefixed(orders, new byte[] { (byte) 0xff, 0x00 })),
					10, false);
			assertThat(descending).extracting((entry) -> relative(orders, entry.key()))
				.containsExactly(keys[4], keys[3], keys[2]);
		}
	}

	// ---- commits and sequences

	@Test
	void whenABatchIsCommittedThenAllOfItIsAppliedAtOnceAndTheLastWriteOfAKeyWins() {
		KeyspaceStorage orders = open(ORDERS);
		commit(orders, put(orders, "gone", "1"), put(orders, "kept", "1"));
		CommitResult result = commit(orders, put(orders, "n", "1"), put(orders, "n", "2"), del(orders, "gone"),
				put(orders, "m", "1"), del(orders, "m"), put(orders, "fresh", "x"));
		assertThat(result.hasRejection()).isFalse();
		assertThat(result.appliedOperations()).isEqualTo(6);
		assertThat(result.rejectedUpdate()).isEqualTo(-1);
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(snapshot.sequence()).isEqualTo(result.sequence());
			assertThat(text(snapshot.get(stored(orders, "n")))).isEqualTo("2");
			assertThat(snapshot.get(stored(orders, "m"))).isNull();
			assertThat(scan(orders, snapshot, "", null, 10, true)).containsExactly("fresh", "kept", "n");
		}
	}

	@Test
	void whenBatchesAreCommittedThenEachTakesTheNextSequenceFromOne() {
		KeyspaceStorage orders = open(ORDERS);
		List<Long> sequences = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			sequences.add(commit(orders, put(orders, "k" + (i % 2), "v" + i)).sequence());
			try (ReadSnapshot snapshot = orders.snapshot()) {
				assertThat(snapshot.sequence()).as("a snapshot sees the last commit").isEqualTo(sequences.get(i));
			}
		}
		assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L);
	}

	@Test
	void whenACommitFailsThenItThrowsAStorageExceptionAppliesNothingAndTakesNoSequence() {
		KeyspaceStorage orders = open(ORDERS);
		long before = commit(orders, put(orders, "a", "1")).sequence();
		failNextCommit();
		assertThatThrownBy(() -> commit(orders, put(orders, "a", "2"), put(orders, "b", "2"), del(orders, "a")))
			.isInstanceOf(StorageException.class)
			.isNotInstanceOf(CommitOutcomeUnknownException.class);
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(snapshot.sequence()).isEqualTo(before);
			assertThat(text(snapshot.get(stored(orders, "a")))).isEqualTo("1");
			assertThat(snapshot.get(stored(orders, "b"))).isNull();
		}
		assertThat(commit(orders, put(orders, "b", "3")).sequence()).as("the next commit works").isEqualTo(before + 1);
	}

	@Test
	void whenAStorageIsClosedAndOpenedAgainThenItsDataStays() {
		KeyspaceStorage orders = open(ORDERS);
		long last = commit(orders, put(orders, "a", "1"), put(orders, "b", "2")).sequence();
		orders.close();
		this.opened.remove(orders);
		KeyspaceStorage reopened = open(ORDERS);
		try (ReadSnapshot snapshot = reopened.snapshot()) {
			assertThat(scan(reopened, snapshot, "", null, 10, true)).containsExactly("a", "b");
			assertThat(snapshot.sequence()).as("sequences survive a reopen: %s", sequencesSurviveReopen())
				.isEqualTo(sequencesSurviveReopen() ? last : 0);
		}
		assertThat(commit(reopened, put(reopened, "c", "3")).sequence())
			.isEqualTo(sequencesSurviveReopen() ? last + 1 : 1);
	}

	// ---- limits

	@Test
	void whenAKeyIsAtTheEnginesLimitThenItIsStoredAndOneByteOverIsRefusedWithNothingApplied() {
		KeyspaceStorage orders = open(ORDERS);
		int limit = orders.maxKeyBytes() - orders.keyPrefix().length;
		int size = Math.min(limit, largestLimitTested());
		byte[] key = filled(size, 'k');
		long sequence = commit(orders, List.of(write(orders, key, bytes("at"))), List.of()).sequence();
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(text(snapshot.get(prefixed(orders, key)))).isEqualTo("at");
		}
		if (limit <= largestLimitTested()) {
			byte[] over = filled(limit + 1, 'o');
			assertThatThrownBy(() -> commit(orders, List.of(write(orders, over, bytes("over"))), List.of()))
				.isInstanceOf(InvalidInputException.class);
			try (ReadSnapshot snapshot = orders.snapshot()) {
				assertThat(snapshot.sequence()).isEqualTo(sequence);
				assertThat(snapshot.get(prefixed(orders, over))).isNull();
			}
		}
	}

	@Test
	void whenAValueIsAtTheEnginesLimitThenItIsStoredAndOneByteOverIsRefusedWithNothingApplied() {
		KeyspaceStorage orders = open(ORDERS);
		int limit = orders.maxValueBytes();
		int size = Math.min(limit, largestLimitTested());
		byte[] value = filled(size, 'v');
		long sequence = commit(orders, List.of(write(orders, bytes("at"), value)), List.of()).sequence();
		try (ReadSnapshot snapshot = orders.snapshot()) {
			assertThat(snapshot.get(stored(orders, "at"))).isEqualTo(value);
		}
		if (limit <= largestLimitTested()) {
			byte[] over = filled(limit + 1, 'o');
			assertThatThrownBy(() -> commit(orders, List.of(write(orders, bytes("ok"), bytes("1")),
					write(orders, bytes("over"), over)), List.of()))
				.isInstanceOf(InvalidInputException.class);
			try (ReadSnapshot snapshot = orders.snapshot()) {
				assertThat(snapshot.sequence()).isEqualTo(sequence);
				assertThat(snapshot.get(stored(orders, "ok"))).as("nothing of the batch").isNull();
				assertThat(snapshot.get(stored(orders, "over"))).isNull();
			}
		}
	}

	// ---- update validation

	/**
	 * Three updates, each after a plain write; the update at {@code rejectedAt} read a key another writer changed
	 * after its snapshot. On an engine that validates, exactly the operations before it are applied, as one
	 * sequence; on one that does not (it has no other writer), the footprints are not looked at and the whole
	 * batch is applied.
	 */
	@ParameterizedTest(name = "rejected update {0}")
	@ValueSource(ints = { 0, 1, 2 })
	void whenAnotherWriterChangedWhatAnUpdateReadThenExactlyTheOperationsBeforeItAreApplied(int rejectedAt) {
		KeyspaceStorage orders = open(ORDERS);
		Optional<KeyspaceStorage> other = otherWriter(orders);
		long snapshot = commit(orders, put(orders, "guard", "0"), put(orders, "plain0", "old")).sequence();
		long current = snapshot;
		if (other.isPresent()) {
			current = commit(other.get(), put(other.get(), "guard", "changed")).sequence();
			assertThat(current).as("the other writer's commit takes the keyspace's next sequence")
				.isEqualTo(snapshot + 1);
		}
		List<WriteOperation> operations = new ArrayList<>();
		List<UpdateFootprint> updates = new ArrayList<>();
		for (int u = 0; u < 3; u++) {
			operations.add(put(orders, "plain" + u, "new"));
			updates.add(new UpdateFootprint(operations.size(), 1, snapshot,
					List.of(stored(orders, u == rejectedAt ? "guard" : "quiet")), List.of()));
			operations.add(put(orders, "update" + u, "done"));
		}
		CommitResult result = commit(orders, operations, updates);
		assertThat(result.sequence()).as("one sequence for what was applied").isEqualTo(current + 1);
		if (other.isEmpty()) {
			assertThat(result).isEqualTo(CommitResult.applied(current + 1, 6));
			return;
		}
		assertThat(result.hasRejection()).isTrue();
		assertThat(result.rejectedUpdate()).isEqualTo(rejectedAt);
		assertThat(text(result.conflictKey())).isEqualTo(text(stored(orders, "guard")));
		assertThat(result.appliedOperations()).isEqualTo(2 * rejectedAt + 1);
		try (ReadSnapshot read = orders.snapshot()) {
			assertThat(read.sequence()).isEqualTo(current + 1);
			for (int u = 0; u < 3; u++) {
				assertThat(text(read.get(stored(orders, "plain" + u)))).as("plain" + u)
					.isEqualTo((u <= rejectedAt) ? "new" : ((u == 0) ? "old" : null));
				assertThat(text(read.get(stored(orders, "update" + u)))).as("update" + u)
					.isEqualTo((u < rejectedAt) ? "done" : null);
			}
		}
	}

	@Test
	void whenTheFirstUpdateIsRejectedThenNothingIsAppliedAndNoSequenceIsTaken() {
		KeyspaceStorage orders = open(ORDERS);
		Optional<KeyspaceStorage> other = otherWriter(orders);
		long snapshot = commit(orders, put(orders, "g1", "0")).sequence();
		long current = snapshot;
		if (other.isPresent()) {
			current = commit(other.get(), put(other.get(), "g2", "changed")).sequence();
		}
		CommitResult result = commit(orders, List.of(put(orders, "x", "1"), put(orders, "y", "1")),
				List.of(new UpdateFootprint(0, 1, snapshot, List.of(),
						List.of(new KeySpan(stored(orders, "g"), stored(orders, "h"))))));
		if (other.isEmpty()) {
			assertThat(result).isEqualTo(CommitResult.applied(current + 1, 2));
			return;
		}
		assertThat(result.appliedOperations()).as("rejected at the start: nothing applied").isZero();
		assertThat(result.rejectedUpdate()).isZero();
		assertThat(text(result.conflictKey())).isEqualTo(text(stored(orders, "g2")));
		assertThat(result.sequence()).as("no sequence taken").isEqualTo(current);
		try (ReadSnapshot read = orders.snapshot()) {
			assertThat(read.sequence()).isEqualTo(current);
			assertThat(read.get(stored(orders, "x"))).isNull();
		}
		assertThat(commit(other.get(), put(other.get(), "z", "1")).sequence()).isEqualTo(current + 1);
	}

	/**
	 * What an update depended on and the other writer did not touch (a key outside its spans, an empty or
	 * inverted span, writes of the same batch) never rejects it. (The writer's own batches after an update's
	 * snapshot are not exercised: the core takes an update's snapshot after its previous batch, so there are
	 * none, and the PostgreSQL engine validates against them too.)
	 */
	@Test
	void whenNoOtherWriterTouchedWhatAnUpdateDependedOnThenTheWholeBatchIsApplied() {
		KeyspaceStorage orders = open(ORDERS);
		Optional<KeyspaceStorage> other = otherWriter(orders);
		long snapshot = commit(orders, put(orders, "n", "1"), put(orders, "o", "1")).sequence();
		long current = snapshot;
		if (other.isPresent()) {
			current = commit(other.get(), put(other.get(), "zz", "elsewhere")).sequence();
		}
		CommitResult result = commit(orders, List.of(put(orders, "n", "2"), del(orders, "n"), put(orders, "m", "1")),
				List.of(new UpdateFootprint(0, 2, snapshot, List.of(stored(orders, "n"), stored(orders, "o")),
						List.of(new KeySpan(stored(orders, "n"), stored(orders, "p")))),
						new UpdateFootprint(2, 1, snapshot, List.of(stored(orders, "n")),
								List.of(new KeySpan(stored(orders, "z"), stored(orders, "a")),
										new KeySpan(stored(orders, "zz"), stored(orders, "zz"))))));
		assertThat(result).isEqualTo(CommitResult.applied(current + 1, 3));
		try (ReadSnapshot read = orders.snapshot()) {
			assertThat(read.get(stored(orders, "n"))).as("the last write of a key wins").isNull();
			assertThat(text(read.get(stored(orders, "m")))).isEqualTo("1");
		}
	}

	@Test
	void whenAnotherWriterWroteAKeyAnUpdateWritesOrScannedThenTheUpdateIsRejected() {
		KeyspaceStorage orders = open(ORDERS);
		Optional<KeyspaceStorage> other = otherWriter(orders);
		long snapshot = commit(orders, put(orders, "w", "0")).sequence();
		long current = snapshot;
		if (other.isPresent()) {
			current = commit(other.get(), put(other.get(), "w", "theirs"), put(other.get(), "s5", "theirs"))
				.sequence();
		}
		CommitResult writes = commit(orders, List.of(put(orders, "w", "mine")),
				List.of(new UpdateFootprint(0, 1, snapshot, List.of(), List.of())));
		CommitResult spans = commit(orders, List.of(put(orders, "t", "mine")),
				List.of(new UpdateFootprint(0, 1, snapshot, List.of(),
						List.of(new KeySpan(stored(orders, "s"), null)))));
		if (other.isEmpty()) {
			assertThat(writes).isEqualTo(CommitResult.applied(current + 1, 1));
			assertThat(spans).isEqualTo(CommitResult.applied(current + 2, 1));
			return;
		}
		assertThat(writes.rejectedUpdate()).as("a key the update writes").isZero();
		assertThat(text(writes.conflictKey())).isEqualTo(text(stored(orders, "w")));
		assertThat(spans.rejectedUpdate()).as("a key in an open-ended span").isZero();
		assertThat(text(spans.conflictKey())).isIn(text(stored(orders, "w")), text(stored(orders, "s5")));
		try (ReadSnapshot read = orders.snapshot()) {
			assertThat(read.sequence()).isEqualTo(current);
			assertThat(text(read.get(stored(orders, "w")))).isEqualTo("theirs");
			assertThat(read.get(stored(orders, "t"))).isNull();
		}
	}

	// ---- keyspaces

	@Test
	void whenKeyspacesDifferByPrefixOrColumnFamilyThenTheirKeysAndSequencesAreApart() {
		KeyspaceStorage orders = open(ORDERS);
		KeyspaceStorage order = open(Keyspace.forMutex("order")); // a prefix of "orders", without the separator
		KeyspaceStorage ordersX = open(Keyspace.forMutex("orders\u0001"));
		KeyspaceStorage family = open(Keyspace.columnFamily("cf").withPrefix(ORDERS.prefix()));
		commit(orders, put(orders, "k", "orders"), put(orders, "k2", "orders"));
		commit(order, put(order, "k", "order"));
		commit(ordersX, put(ordersX, "k", "ordersX"));
		assertThat(commit(family, put(family, "k", "family")).sequence()).as("its own sequence").isEqualTo(1);
		assertThat(commit(orders, put(orders, "k3", "orders")).sequence()).as("its own sequence").isEqualTo(2);
		try (ReadSnapshot o = orders.snapshot(); ReadSnapshot p = order.snapshot(); ReadSnapshot x = ordersX.snapshot();
				ReadSnapshot f = family.snapshot()) {
			assertThat(o.sequence()).isEqualTo(2);
			assertThat(p.sequence()).isEqualTo(1);
			assertThat(text(o.get(stored(orders, "k")))).isEqualTo("orders");
			assertThat(text(p.get(stored(order, "k")))).isEqualTo("order");
			assertThat(text(x.get(stored(ordersX, "k")))).isEqualTo("ordersX");
			assertThat(text(f.get(stored(family, "k")))).isEqualTo("family");
			assertThat(scan(orders, o, "", null, 10, true)).containsExactly("k", "k2", "k3");
			assertThat(scan(orders, o, "", null, 10, false)).containsExactly("k3", "k2", "k");
			assertThat(scan(order, p, "", null, 10, true)).containsExactly("k");
			assertThat(scan(ordersX, x, "", null, 10, false)).containsExactly("k");
			assertThat(scan(family, f, "", null, 10, true)).containsExactly("k");
		}
	}

	@Test
	void whenAWholeColumnFamilyAndANarrowerKeyspaceOfItAreOpenedThenTheHookSaysWhetherOneSeesTheOther() {
		KeyspaceStorage narrow = open(Keyspace.columnFamily("nested").withPrefix("p/"));
		KeyspaceStorage whole = open(Keyspace.columnFamily("nested"));
		commit(narrow, put(narrow, "k", "narrow"));
		commit(whole, put(whole, "q", "whole"));
		try (ReadSnapshot w = whole.snapshot(); ReadSnapshot n = narrow.snapshot()) {
			if (keyspacesContainNarrowerKeyspaces()) {
				assertThat(scan(whole, w, "", null, 10, true)).containsExactly("p/k", "q");
				assertThat(text(w.get(stored(whole, "p/k")))).isEqualTo("narrow");
			}
			else {
				assertThat(scan(whole, w, "", null, 10, true)).containsExactly("q");
				assertThat(w.get(stored(whole, "p/k"))).isNull();
			}
			assertThat(scan(narrow, n, "", null, 10, true)).as("the narrower never sees the wider's other keys")
				.containsExactly("k");
		}
	}

	// ---- helpers for subclasses and tests

	/**
	 * Opens a keyspace of the test's engine (not durable: an engine that is always durable ignores it), closed
	 * after the test.
	 * @param keyspace the keyspace
	 * @return its storage
	 */
	protected final KeyspaceStorage open(Keyspace keyspace) {
		KeyspaceStorage storage = engine().open(keyspace, false, (from, to) -> {
		});
		this.opened.add(storage);
		return storage;
	}

	/** The other writer of the keyspace of {@code orders}, present exactly when {@code orders} validates. */
	private Optional<KeyspaceStorage> otherWriter(KeyspaceStorage orders) {
		Optional<KeyspaceStorage> other = openOtherWriter(ORDERS);
		other.ifPresent(this.opened::add);
		assertThat(other.isPresent()).as("an engine has other writers exactly when it validates updates")
			.isEqualTo(orders.validatesUpdates());
		return other;
	}

	private CommitResult commit(KeyspaceStorage storage, WriteOperation... operations) {
		return commit(storage, List.of(operations), List.of());
	}

	private CommitResult commit(KeyspaceStorage storage, List<WriteOperation> operations,
			List<UpdateFootprint> updates) {
		List<byte[]> storedKeys = new ArrayList<>();
		for (WriteOperation operation : operations) {
			storedKeys.add(prefixed(storage, operation.key()));
		}
		return storage.commit(new EngineBatch(++this.batchNumber, operations, storedKeys, updates));
	}

	private static WriteOperation put(KeyspaceStorage storage, String key, String value) {
		return write(storage, bytes(key), bytes(value));
	}

	private static WriteOperation del(KeyspaceStorage storage, String key) {
		return write(storage, bytes(key), null);
	}

	private static WriteOperation write(KeyspaceStorage storage, byte[] key, byte @Nullable [] value) {
		return EngineTestOperations.write(key, prefixed(storage, key), value);
	}

	/** Relative keys of the entries with {@code lower <= key < upper} ({@code upper == null}: to the keyspace's end). */
	private static List<String> scan(KeyspaceStorage storage, ReadSnapshot snapshot, String lower,
			@Nullable String upper, int limit, boolean ascending) {
		List<KeyValue> entries = snapshot.scan(
				new KeySpan(stored(storage, lower), (upper != null) ? stored(storage, upper) : end(storage)), limit,
				ascending);
		List<String> keys = new ArrayList<>();
		for (KeyValue entry : entries) {
			keys.add(text(relative(storage, entry.key())));
		}
		return keys;
	}

	private static byte[] stored(KeyspaceStorage storage, String key) {
		return prefixed(storage, bytes(key));
	}

	private static byte[] prefixed(KeyspaceStorage storage, byte[] key) {
		byte[] prefix = storage.keyPrefix();
		byte[] stored = Arrays.copyOf(prefix, prefix.length + key.length);
		System.arraycopy(key, 0, stored, prefix.length, key.length);
		return stored;
	}

	private static byte[] relative(KeyspaceStorage storage, byte[] stored) {
		byte[] prefix = storage.keyPrefix();
		assertThat(Arrays.equals(stored, 0, Math.min(prefix.length, stored.length), prefix, 0, prefix.length))
			.as("a scan never leaves its keyspace")
			.isTrue();
		return Arrays.copyOfRange(stored, prefix.length, stored.length);
	}

	/** The end of the keyspace, as the core gives it: the prefix's successor, or {@code null} without prefix. */
	private static byte @Nullable [] end(KeyspaceStorage storage) {
		byte[] prefix = storage.keyPrefix();
		for (int i = prefix.length - 1; i >= 0; i--) {
			if (prefix[i] != (byte) 0xff) {
				byte[] next = Arrays.copyOf(prefix, i + 1);
				next[i]++;
				return next;
			}
		}
		return null;
	}

	private static byte[] filled(int size, char c) {
		byte[] bytes = new byte[size];
		Arrays.fill(bytes, (byte) c);
		return bytes;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static @Nullable String text(byte @Nullable [] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

}
