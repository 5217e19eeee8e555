package io.levelmutex.rocksdb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import io.levelmutex.WriteOperation;
import io.levelmutex.WriteOperations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SerializedBatch} makes exactly the bytes RocksDB's own {@code WriteBatch.put}/{@code delete} calls make:
 * default and other column families (ids 1, 127 and 128: one and two varint bytes), keys and values whose lengths need one,
 * two and three varint bytes, empty values, deletes, an empty batch, and seeded random batches; and it refuses a
 * batch over its size limit instead of making it.
 */
class SerializedBatchTest {

	static {
		RocksDB.loadLibrary();
	}

	@TempDir
	Path directory;

	@Test
	void whenOperationsHaveEveryLengthClassThenTheBytesAreRocksDbsOwn() throws Exception {
		List<WriteOperation> ops = List.of(put(1, 0), put(127, 1), put(128, 127), del(128), put(300, 128),
				put(16_384, 20_000), del(1), put(5, 100), del(16_383));
		try (Families families = new Families(this.directory)) {
			for (ColumnFamilyHandle family : families.handles) {
				assertSameAsNative(family, ops);
			}
		}
	}

	@Test
	void whenTheBatchIsEmptyThenOnlyTheHeaderIsMade() throws Exception {
		byte[] rep = SerializedBatch.encode(0, List.of(), List.of(), Integer.MAX_VALUE);
		assertThat(rep).isNotNull().hasSize(SerializedBatch.HEADER_BYTES);
		try (WriteBatch batch = new WriteBatch(rep)) {
			assertThat(batch.count()).isZero();
		}
	}

	@Test
	void whenBatchesAreRandomThenTheBytesAreRocksDbsOwn() throws Exception {
		SplittableRandom random = new SplittableRandom(20_261_206L);
		try (Families families = new Families(this.directory)) {
			for (int round = 0; round < 100; round++) {
				List<WriteOperation> ops = new ArrayList<>();
				int count = random.nextInt(1, 300);
				for (int i = 0; i < count; i++) {
					int keyLength = (random.nextInt(10) == 0) ? random.nextInt(1, 20_000) : random.nextInt(1, 140);
					int valueLength = (random.nextInt(10) == 0) ? random.nextInt(0, 40_000) : random.nextInt(0, 200);
					ops.add((random.nextInt(4) == 0) ? del(keyLength) : put(keyLength, valueLength));
				}
				assertSameAsNative(families.handles.get(random.nextInt(families.handles.size())), ops);
			}
		}
	}

	@Test
	void whenTheBatchIsOverTheLimitThenNothingIsMade() {
		List<WriteOperation> ops = List.of(put(10, 100), put(10, 100));
		List<byte[]> keys = keys(ops);
		int exact = SerializedBatch.HEADER_BYTES + 2 * (1 + 1 + 10 + 1 + 100);
		assertThat(SerializedBatch.encode(0, ops, keys, exact)).hasSize(exact);
		assertThat(SerializedBatch.encode(0, ops, keys, exact - 1)).isNull();
		assertThat(SerializedBatch.encode(0, ops, keys, 0)).isNull();
	}

	@Test
	void whenASerializedBatchIsWrittenToAColumnFamilyThenItsKeysAreThereAndNowhereElse() throws Exception {
		try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
				ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()) {
			List<ColumnFamilyDescriptor> descriptors = List.of(
					new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
					new ColumnFamilyDescriptor("other".getBytes(), familyOptions));
			List<ColumnFamilyHandle> handles = new ArrayList<>();
			try (RocksDB db = RocksDB.open(options, this.directory.toString(), descriptors, handles)) {
				ColumnFamilyHandle other = handles.get(1);
				db.put(other, key(7, 'd'), value(3));
				List<WriteOperation> ops = List.of(put(5, 10), del(7));
				try (WriteBatch batch = new WriteBatch(
						SerializedBatch.encode(other.getID(), ops, keys(ops), Integer.MAX_VALUE));
						org.rocksdb.WriteOptions write = new org.rocksdb.WriteOptions()) {
					db.write(write, batch);
				}
				assertThat(db.get(other, key(5, 'p'))).isEqualTo(value(10));
				assertThat(db.get(other, key(7, 'd'))).isNull();
				assertThat(db.get(handles.get(0), key(5, 'p'))).isNull();
				handles.forEach(ColumnFamilyHandle::close);
			}
		}
	}

	private static void assertSameAsNative(ColumnFamilyHandle family, List<WriteOperation> ops)
			throws RocksDBException {
		List<byte[]> keys = keys(ops);
		byte[] rep = SerializedBatch.encode(family.getID(), ops, keys, Integer.MAX_VALUE);
		try (WriteBatch expected = new WriteBatch()) {
			for (int i = 0; i < ops.size(); i++) {
				WriteOperation op = ops.get(i);
				if (op.type() == WriteOperation.Type.PUT) {
					expected.put(family, keys.get(i), op.value());
				}
				else {
					expected.delete(family, keys.get(i));
				}
			}
			assertThat(rep).as("family %d, %d operations", family.getID(), ops.size()).isEqualTo(expected.data());
			try (WriteBatch made = new WriteBatch(rep)) {
				assertThat(made.count()).isEqualTo(ops.size());
				assertThat(made.data()).isEqualTo(expected.data());
			}
		}
	}

	/** A database with column families of ids 0, 1, 127 and 128 (the others made on the way are dropped). */
	private static final class Families implements AutoCloseable {

		final Options options = new Options().setCreateIfMissing(true);

		final ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();

		final RocksDB db;

		final List<ColumnFamilyHandle> handles = new ArrayList<>();

		Families(Path directory) throws RocksDBException {
			this.db = RocksDB.open(this.options, directory.resolve("families").toString());
			this.handles.add(this.db.getDefaultColumnFamily());
			for (int i = 1; i <= 128; i++) {
				ColumnFamilyHandle family = this.db
					.createColumnFamily(new ColumnFamilyDescriptor(("cf" + i).getBytes(), this.familyOptions));
				if (family.getID() == 1 || family.getID() == 127 || family.getID() == 128) {
					this.handles.add(family);
				}
				else {
					this.db.dropColumnFamily(family);
					family.close();
				}
			}
			assertThat(this.handles).extracting(ColumnFamilyHandle::getID).containsExactly(0, 1, 127, 128);
		}

		@Override
		public void close() {
			for (ColumnFamilyHandle family : this.handles.subList(1, this.handles.size())) {
				family.close();
			}
			this.db.close();
			this.familyOptions.close();
			this.options.close();
		}

	}

	private static List<byte[]> keys(List<WriteOperation> ops) {
		List<byte[]> keys = new ArrayList<>();
		for (WriteOperation op : ops) {
			keys.add(WriteOperations.storedKey(op));
		}
		return keys;
	}

	private static WriteOperation put(int keyLength, int valueLength) {
		byte[] key = key(keyLength, 'p');
		return WriteOperations.of(WriteOperation.Type.PUT, key, key, value(valueLength));
	}

	private static WriteOperation del(int keyLength) {
		byte[] key = key(keyLength, 'd');
		return WriteOperations.of(WriteOperation.Type.DEL, key, key, null);
	}

	private static byte[] key(int length, char fill) {
		byte[] key = new byte[length];
		Arrays.fill(key, (byte) fill);
		key[length - 1] = (byte) length;
		return key;
	}

	private static byte[] value(int length) {
		byte[] value = new byte[length];
		for (int i = 0; i < length; i++) {
			value[i] = (byte) (i * 31 + length);
		}
		return value;
	}

}
