package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.WriteOperation;
import io.levelmutex.WriteOperations;
import io.levelmutex.engine.EngineBatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native batch filled ahead of its commit ({@link Prefiller}, {@link PrefillRound}): whatever was hinted, and
 * however far the filler got, each commit writes exactly its own batch, nothing hinted is written otherwise, and a
 * close (or a batch the committer writes instead) with a round open leaves later commits correct.
 */
class PrefillTest {

	static {
		RocksDB.loadLibrary();
	}

	private static final byte[] PREFIX = bytes("p/");

	/** How long a test waits for the filler thread to catch up (it fills in microseconds; the CI machine is shared). */
	private static final long FILLER_WAIT_NANOS = 60_000_000_000L;

	@TempDir
	Path directory;

	// ---- the round alone (the test thread fills)

	@Test
	void whenTheFillerFilledEveryHintThenTheSealedBatchHoldsThemAndStartsTheBatch() throws Exception {
		try (Options options = new Options().setCreateIfMissing(true);
				RocksDB db = RocksDB.open(options, this.directory.toString());
				WriteBatch batch = new WriteBatch()) {
			PrefillRound round = new PrefillRound(db.getDefaultColumnFamily(), batch, null);
			WriteOperation[] ops = { put("a", "1"), del("b"), put("c", "3") };
			round.add(ops, keys(ops), 2);
			assertThat(round.fill()).isTrue();
			round.add(new WriteOperation[] { ops[2] }, new byte[][] { WriteOperations.storedKey(ops[2]) }, 1);
			assertThat(round.hasWork()).isTrue();
			assertThat(round.fill()).isTrue();
			assertThat(round.seal()).isEqualTo(PrefillRound.SEALED);
			assertThat(round.filled()).isEqualTo(3);
			assertThat(batch.count()).isEqualTo(3);
			assertThat(round.startsWith(List.of(ops), List.of(keys(ops)))).isTrue();
			assertThat(round.startsWith(List.of(ops[0], ops[1]), List.of(keys(ops[0], ops[1]))))
				.as("more filled than the batch holds").isFalse();
			assertThat(round.startsWith(List.of(ops[0], ops[2], ops[1]), List.of(keys(ops[0], ops[2], ops[1]))))
				.as("another order").isFalse();
			assertThat(round.fill()).as("sealed: the filler leaves it").isFalse();
			assertThat(batch.count()).isEqualTo(3);
		}
	}

	@Test
	void whenTheSealerFindsTheFillerInsideAPutThenItGivesTheBatchUpAndTheFillerNeverTakesItBack() throws Exception {
		try (Options options = new Options().setCreateIfMissing(true);
				RocksDB db = RocksDB.open(options, this.directory.toString());
				WriteBatch batch = new WriteBatch()) {
			PrefillRound round = new PrefillRound(db.getDefaultColumnFamily(), batch, null);
			WriteOperation[] ops = { put("a", "1") };
			round.add(ops, keys(ops), 1);
			round.state.set(PrefillRound.FILLING); // as a filler inside RocksDB's put that does not come back
			assertThat(round.seal()).isEqualTo(PrefillRound.ABANDONED);
			assertThat(round.state.compareAndSet(PrefillRound.FILLING, PrefillRound.OPEN))
				.as("the filler's CAS back fails: it closes the batch").isFalse();
			assertThat(round.fill()).isFalse();
			assertThat(round.hasWork()).isFalse();
		}
	}

	// ---- a storage with the store's filler thread

	@Test
	void whenTheHintsAreTheBatchThenTheCommitWritesItOnce() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			WriteOperation[] ops = { put("a", "1"), put("b", "2"), del("a") };
			fixture.storage.prepare(ops, keys(ops), ops.length);
			fixture.awaitFilled(ops.length);
			fixture.storage.commit(batch(1, ops));
			assertThat(fixture.written).containsExactly(3);
			assertThat(fixture.contents()).isEqualTo(Map.of("b", "2"));
		}
	}

	@Test
	void whenMoreWasHintedThanTheBatchHoldsThenOnlyTheBatchIsWrittenAndTheRestNever() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			WriteOperation[] ops = { put("a", "1"), put("b", "2"), put("c", "3") };
			fixture.storage.prepare(ops, keys(ops), ops.length);
			fixture.awaitFilled(ops.length);
			fixture.storage.commit(batch(1, ops[0], ops[1]));
			fixture.storage.commit(batch(2, put("d", "4")));
			assertThat(fixture.written).containsExactly(2, 1);
			assertThat(fixture.contents()).isEqualTo(Map.of("a", "1", "b", "2", "d", "4"));
		}
	}

	@Test
	void whenOtherOperationsWereHintedThenTheCommitWritesOnlyItsOwn() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			WriteOperation[] hinted = { put("x", "hinted"), put("y", "hinted") };
			fixture.storage.prepare(hinted, keys(hinted), hinted.length);
			fixture.awaitFilled(hinted.length);
			fixture.storage.commit(batch(1, put("x", "own"), put("z", "own")));
			assertThat(fixture.written).containsExactly(2);
			assertThat(fixture.contents()).isEqualTo(Map.of("x", "own", "z", "own"));
		}
	}

	@Test
	void whenTheStorageClosesWithHintsFilledThenNothingOfThemIsWrittenAndLaterHintsAreIgnored() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			WriteOperation[] ops = { put("a", "1"), put("b", "2") };
			fixture.storage.prepare(ops, keys(ops), ops.length);
			fixture.awaitFilled(ops.length);
			fixture.storage.close();
			fixture.storage.prepare(ops, keys(ops), ops.length);
			assertThat(fixture.storage.round()).isNull();
			fixture.storage.commit(batch(1, put("c", "3"))); // a commit after the close still writes (its own batch)
			assertThat(fixture.written).containsExactly(1);
			assertThat(fixture.contents()).isEqualTo(Map.of("c", "3"));
		}
	}

	@Test
	void whenTheHintsAreDiscardedThenTheNextCommitWritesOnlyItsOwnBatch() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			WriteOperation[] ops = { put("a", "1"), put("b", "2") };
			fixture.storage.prepare(ops, keys(ops), ops.length);
			fixture.awaitFilled(ops.length);
			fixture.storage.discardHints();
			fixture.storage.commit(batch(1, ops[1]));
			assertThat(fixture.written).containsExactly(1);
			assertThat(fixture.contents()).isEqualTo(Map.of("b", "2"));
		}
	}

	/**
	 * Seeded: per commit, hints that are its batch's start, its whole batch, more than it, or other operations, in
	 * random chunks, committed at once (the filler anywhere) or after the filler caught up; the store always equals
	 * the model of the commits alone.
	 */
	@Test
	void whenHintsAndCommitsRaceTheFillerAtRandomThenTheStoreHoldsExactlyTheCommittedBatches() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			Map<String, String> model = new TreeMap<>();
			for (long seed = 1; seed <= 20; seed++) {
				Random random = new Random(seed);
				for (int round = 0; round < 40; round++) {
					int size = 1 + random.nextInt(300);
					List<WriteOperation> ops = new ArrayList<>();
					for (int i = 0; i < size; i++) {
						String key = "k" + random.nextInt(500);
						ops.add(random.nextInt(10) == 0 ? del(key) : put(key, "s" + seed + "r" + round + "i" + i));
					}
					List<WriteOperation> hinted = switch (random.nextInt(4)) {
						case 0 -> ops.subList(0, random.nextInt(size + 1));
						case 1 -> ops;
						case 2 -> {
							List<WriteOperation> more = new ArrayList<>(ops);
							more.add(put("extra", "never written"));
							yield more;
						}
						default -> List.of(put("other", "never written"), put("k1", "never written"));
					};
					int from = 0;
					while (from < hinted.size()) {
						int count = Math.min(hinted.size() - from, 1 + random.nextInt(40));
						WriteOperation[] chunk = hinted.subList(from, from + count).toArray(new WriteOperation[0]);
						fixture.storage.prepare(chunk, keys(chunk), count);
						from += count;
					}
					if (random.nextBoolean() && !hinted.isEmpty()) {
						fixture.awaitFilled(hinted.size());
					}
					fixture.storage.commit(batch(round, ops.toArray(new WriteOperation[0])));
					for (WriteOperation op : ops) {
						String key = new String(op.key(), StandardCharsets.UTF_8);
						if (op.type() == WriteOperation.Type.PUT) {
							model.put(key, new String(op.value(), StandardCharsets.UTF_8));
						}
						else {
							model.remove(key);
						}
					}
					assertThat(fixture.written.get(fixture.written.size() - 1)).as("seed %d round %d", seed, round)
						.isEqualTo(size);
				}
				assertThat(fixture.contents()).as("seed %d", seed).isEqualTo(model);
			}
		}
	}

	private static EngineBatch batch(long number, WriteOperation... operations) {
		return new EngineBatch(number, List.of(operations), List.of(keys(operations)), List.of());
	}

	private static byte[][] keys(WriteOperation... operations) {
		byte[][] keys = new byte[operations.length][];
		for (int i = 0; i < operations.length; i++) {
			keys[i] = WriteOperations.storedKey(operations[i]);
		}
		return keys;
	}

	private static WriteOperation put(String key, String value) {
		return WriteOperations.of(WriteOperation.Type.PUT, bytes(key), stored(key), bytes(value));
	}

	private static WriteOperation del(String key) {
		return WriteOperations.of(WriteOperation.Type.DEL, bytes(key), stored(key), null);
	}

	private static byte[] stored(String key) {
		byte[] stored = Arrays.copyOf(PREFIX, PREFIX.length + key.length());
		System.arraycopy(bytes(key), 0, stored, PREFIX.length, key.length());
		return stored;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** A RocksDB of its own with a filler thread; its access records each written batch's entry count. */
	private static final class Fixture implements AutoCloseable {

		final Options options = new Options().setCreateIfMissing(true);

		final RocksDB db;

		final WriteOptions writeOptions = new WriteOptions();

		final List<Integer> written = new ArrayList<>();

		final Prefiller prefiller = new Prefiller("prefill-test");

		final RocksKeyspaceStorage storage;

		Fixture(Path path) throws RocksDBException {
			this.db = RocksDB.open(this.options, path.toString());
			RocksAccess access = new RocksAccess(this.db) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					Fixture.this.written.add(batch.count());
					super.write(options, batch);
				}
			};
			this.storage = new RocksKeyspaceStorage(access, this.db.getDefaultColumnFamily(), this.writeOptions,
					PREFIX, null, this.prefiller);
		}

		/** Waits (a condition, no sleep) until the filler put {@code count} hinted operations of the round. */
		void awaitFilled(int count) {
			PrefillRound round = this.storage.round();
			assertThat(round).isNotNull();
			long deadline = System.nanoTime() + FILLER_WAIT_NANOS;
			while (round.filledSoFar() < Math.min(count, round.published())) {
				assertThat(System.nanoTime() - deadline).as("the filler did not catch up within 60 s").isNegative();
				Thread.yield();
			}
		}

		Map<String, String> contents() {
			Map<String, String> out = new TreeMap<>();
			try (ReadOptions read = new ReadOptions(); RocksIterator it = this.db.newIterator(read)) {
				for (it.seekToFirst(); it.isValid(); it.next()) {
					byte[] key = it.key();
					out.put(new String(key, PREFIX.length, key.length - PREFIX.length, StandardCharsets.UTF_8),
							new String(it.value(), StandardCharsets.UTF_8));
				}
			}
			return out;
		}

		@Override
		public void close() {
			this.storage.close();
			this.prefiller.close();
			this.db.close();
			this.writeOptions.close();
			this.options.close();
		}

	}

}
