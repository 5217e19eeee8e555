package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.WriteOperation;
import io.levelmutex.WriteOperations;
import io.levelmutex.engine.EngineBatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SerializedBatch} writes exactly the bytes RocksDB's own {@code WriteBatch} holds for the same operations
 * added one by one (seeded random batches: puts and deletes, empty values, key and value lengths whose varint takes
 * 1-3 bytes, the default family and another one), RocksDB reads a family id over 127 back from it, a batch it
 * cannot encode throws before anything is written, and a storage writes the same data with the serialized fill on
 * and off (off unless its property is set; {@link SerializedGroupCommitTest} runs the committer's tests with it on).
 */
class SerializedBatchTest {

	static {
		RocksDB.loadLibrary();
	}

	@TempDir
	Path directory;

	@Test
	void whenRandomBatchesAreSerializedThenTheBytesEqualRocksDbsOwnBatchOfTheSameOperations() throws Exception {
		try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
				ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()) {
			List<ColumnFamilyHandle> handles = new ArrayList<>();
			try (RocksDB db = RocksDB.open(options, this.directory.toString(),
					List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
							new ColumnFamilyDescriptor(bytes("other"), familyOptions)),
					handles)) {
				Random random = new Random(20_261_208L);
				for (int round = 0; round < 200; round++) {
					ColumnFamilyHandle family = handles.get(round % 2);
					EngineBatch batch = randomBatch(random, round);
					byte[] serialized = SerializedBatch.of(family.getID(), batch);
					try (WriteBatch expected = new WriteBatch()) {
						for (int i = 0; i < batch.size(); i++) {
							WriteOperation op = batch.operations().get(i);
							if (op.type() == WriteOperation.Type.PUT) {
								expected.put(family, batch.storedKeys().get(i), op.value());
							}
							else {
								expected.delete(family, batch.storedKeys().get(i));
							}
						}
						assertThat(serialized).as("round %d, family %d", round, family.getID())
							.isEqualTo(expected.data());
					}
					try (WriteBatch parsed = new WriteBatch(serialized)) {
						assertThat(parsed.count()).isEqualTo(batch.size());
					}
				}
				handles.forEach(ColumnFamilyHandle::close);
			}
		}
	}

	@Test
	void whenTheFamilyIdTakesTwoVarintBytesThenRocksDbReadsEveryRecordBack() throws Exception {
		EngineBatch batch = new EngineBatch(1, List.of(put("a", "1"), del("b"), put("c", "")),
				List.of(bytes("a"), bytes("b"), bytes("c")), List.of());
		List<String> seen = new ArrayList<>();
		try (WriteBatch parsed = new WriteBatch(SerializedBatch.of(300, batch));
				WriteBatch.Handler handler = new WriteBatch.Handler() {
					@Override
					public void put(int familyId, byte[] key, byte[] value) {
						seen.add("put " + familyId + " " + text(key) + "=" + text(value));
					}

					@Override
					public void delete(int familyId, byte[] key) {
						seen.add("del " + familyId + " " + text(key));
					}

					@Override
					public void put(byte[] key, byte[] value) {
						seen.add("put default " + text(key));
					}

					@Override
					public void merge(int familyId, byte[] key, byte[] value) {
					}

					@Override
					public void merge(byte[] key, byte[] value) {
					}

					@Override
					public void delete(byte[] key) {
						seen.add("del default " + text(key));
					}

					@Override
					public void singleDelete(int familyId, byte[] key) {
					}

					@Override
					public void singleDelete(byte[] key) {
					}

					@Override
					public void deleteRange(int familyId, byte[] beginKey, byte[] endKey) {
					}

					@Override
					public void deleteRange(byte[] beginKey, byte[] endKey) {
					}

					@Override
					public void logData(byte[] blob) {
					}

					@Override
					public void putBlobIndex(int familyId, byte[] key, byte[] value) {
					}

					@Override
					public void markBeginPrepare() {
					}

					@Override
					public void markEndPrepare(byte[] xid) {
					}

					@Override
					public void markNoop(boolean emptyBatch) {
					}

					@Override
					public void markRollback(byte[] xid) {
					}

					@Override
					public void markCommit(byte[] xid) {
					}

					@Override
					public void markCommitWithTimestamp(byte[] xid, byte[] ts) {
					}
				}) {
			parsed.iterate(handler);
		}
		assertThat(seen).containsExactly("put 300 a=1", "del 300 b", "put 300 c=");
	}

	@Test
	void whenAStoredKeyOrAPutsValueIsMissingThenEncodingThrowsBeforeWritingAnything() {
		List<byte[]> keys = new ArrayList<>();
		keys.add(bytes("a"));
		keys.add(null);
		EngineBatch missingKey = new EngineBatch(1, List.of(put("a", "1"), put("b", "2")), keys, List.of());
		assertThatThrownBy(() -> SerializedBatch.of(0, missingKey)).isInstanceOf(NullPointerException.class);
		EngineBatch missingValue = new EngineBatch(2,
				List.of(WriteOperations.of(WriteOperation.Type.PUT, bytes("a"), bytes("a"), null)), List.of(bytes("a")),
				List.of());
		assertThatThrownBy(() -> SerializedBatch.recordsSize(7, missingValue)).isInstanceOf(NullPointerException.class);
	}

	@Test
	void whenThePropertyIsNotSetThenTheFillIsEntryByEntry() throws Exception {
		String before = System.getProperty(SerializedBatch.PROPERTY);
		System.clearProperty(SerializedBatch.PROPERTY);
		try {
			assertThat(SerializedBatch.enabled()).isFalse();
			System.setProperty(SerializedBatch.PROPERTY, "true");
			assertThat(SerializedBatch.enabled()).isTrue();
		}
		finally {
			restore(before);
		}
	}

	@Test
	void whenTheSerializedFillIsOnOrOffThenAStorageWritesTheSameData() throws Exception {
		for (boolean serialized : new boolean[] { true, false }) {
			Path path = this.directory.resolve("db-" + serialized);
			String before = System.getProperty(SerializedBatch.PROPERTY);
			List<ColumnFamilyHandle> handles = new ArrayList<>();
			try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
					ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
					WriteOptions writeOptions = new WriteOptions();
					RocksDB db = RocksDB.open(options, path.toString(),
							List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
									new ColumnFamilyDescriptor(bytes("other"), familyOptions)),
							handles)) {
				RocksKeyspaceStorage storage;
				System.setProperty(SerializedBatch.PROPERTY, String.valueOf(serialized));
				try {
					storage = new RocksKeyspaceStorage(new RocksAccess(db), handles.get(1), writeOptions, bytes("p/"));
				}
				finally {
					restore(before);
				}
				assertThat(storage.serializesBatches()).isEqualTo(serialized);
				// the first batch is serialized (when on), the second, under MIN_OPERATIONS, filled entry by entry
				storage.commit(new EngineBatch(1,
						List.of(put("p/a", "1"), put("p/b", "2"), put("p/c", "3"), put("p/d", "5"), del("p/d")),
						List.of(bytes("p/a"), bytes("p/b"), bytes("p/c"), bytes("p/d"), bytes("p/d")), List.of()));
				storage.commit(new EngineBatch(2, List.of(del("p/a"), put("p/c", "4")),
						List.of(bytes("p/a"), bytes("p/c")), List.of()));
				storage.close();
				try (ReadOptions read = new ReadOptions()) {
					assertThat(db.get(handles.get(1), read, bytes("p/a"))).isNull();
					assertThat(text(db.get(handles.get(1), read, bytes("p/b")))).isEqualTo("2");
					assertThat(text(db.get(handles.get(1), read, bytes("p/c")))).isEqualTo("4");
					assertThat(db.get(handles.get(1), read, bytes("p/d"))).isNull(); // put then deleted in one batch
					assertThat(db.get(handles.get(0), read, bytes("p/b"))).isNull(); // nothing in the default family
				}
				handles.forEach(ColumnFamilyHandle::close);
			}
		}
	}

	@Test
	void whenTheWriteOfASerializedBatchFailsThenNothingOfItIsAppliedAndTheNextCommitWritesOnlyItsOwn() throws Exception {
		java.util.concurrent.atomic.AtomicBoolean fail = new java.util.concurrent.atomic.AtomicBoolean(true);
		List<Integer> written = new ArrayList<>();
		try (org.rocksdb.Options options = new org.rocksdb.Options().setCreateIfMissing(true);
				WriteOptions writeOptions = new WriteOptions();
				RocksDB db = RocksDB.open(options, this.directory.resolve("fail").toString())) {
			RocksAccess access = new RocksAccess(db) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws org.rocksdb.RocksDBException {
					written.add(batch.count());
					if (fail.get()) {
						throw new org.rocksdb.RocksDBException("injected write fault");
					}
					super.write(options, batch);
				}
			};
			String before = System.getProperty(SerializedBatch.PROPERTY);
			System.setProperty(SerializedBatch.PROPERTY, "true");
			RocksKeyspaceStorage storage;
			try {
				storage = new RocksKeyspaceStorage(access, db.getDefaultColumnFamily(), writeOptions, bytes("p/"));
			}
			finally {
				restore(before);
			}
			assertThat(storage.serializesBatches()).isTrue();
			List<WriteOperation> lost = List.of(put("p/a", "x"), put("p/b", "x"), put("p/c", "x"), put("p/d", "x"));
			assertThatThrownBy(() -> storage.commit(new EngineBatch(1, lost,
					List.of(bytes("p/a"), bytes("p/b"), bytes("p/c"), bytes("p/d")), List.of())))
				.isInstanceOf(io.levelmutex.StorageException.class)
				.hasMessageContaining("injected write fault");
			fail.set(false);
			storage.commit(new EngineBatch(2, List.of(put("p/e", "1"), put("p/f", "2"), put("p/g", "3"), del("p/a")),
					List.of(bytes("p/e"), bytes("p/f"), bytes("p/g"), bytes("p/a")), List.of()));
			storage.close();
			assertThat(written).containsExactly(4, 4);
			assertThat(db.get(bytes("p/b"))).isNull();
			assertThat(text(db.get(bytes("p/e")))).isEqualTo("1");
			assertThat(text(db.get(bytes("p/g")))).isEqualTo("3");
		}
	}

	private static void restore(String before) {
		if (before == null) {
			System.clearProperty(SerializedBatch.PROPERTY);
		}
		else {
			System.setProperty(SerializedBatch.PROPERTY, before);
		}
	}

	/** 1-40 operations; lengths mostly small, some over 127 and 16,383 (2- and 3-byte varints), values may be empty. */
	private static EngineBatch randomBatch(Random random, int round) {
		int count = 1 + random.nextInt(40);
		List<WriteOperation> operations = new ArrayList<>();
		List<byte[]> keys = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			byte[] key = randomBytes(random, 1 + length(random));
			if (random.nextInt(4) == 0) {
				operations.add(WriteOperations.of(WriteOperation.Type.DEL, key, key, null));
			}
			else {
				operations.add(WriteOperations.of(WriteOperation.Type.PUT, key, key, randomBytes(random, length(random))));
			}
			keys.add(key);
		}
		return new EngineBatch(round, operations, keys, List.of());
	}

	private static int length(Random random) {
		return switch (random.nextInt(10)) {
			case 0 -> 0;
			case 1 -> 128 + random.nextInt(16_256);
			case 2 -> 16_384 + random.nextInt(20_000);
			default -> random.nextInt(128);
		};
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static WriteOperation put(String key, String value) {
		return WriteOperations.of(WriteOperation.Type.PUT, bytes(key), bytes(key), bytes(value));
	}

	private static WriteOperation del(String key) {
		return WriteOperations.of(WriteOperation.Type.DEL, bytes(key), bytes(key), null);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
