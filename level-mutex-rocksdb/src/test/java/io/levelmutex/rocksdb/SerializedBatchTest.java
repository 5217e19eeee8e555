package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.WriteOperation;
import io.levelmutex.WriteOperations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch serialized in Java is byte for byte the batch RocksDB's own puts and deletes build (its {@code data()}), in
 * the default column family and in another one, across the varint length boundaries, with deletes and empty values;
 * and written, it applies exactly its operations.
 */
class SerializedBatchTest {

	static {
		RocksDB.loadLibrary();
	}

	@TempDir
	Path directory;

	@Test
	void whenOperationsAreSerializedThenTheBytesAreThoseOfRocksDbsOwnBatch() throws Exception {
		List<WriteOperation> operations = new ArrayList<>();
		List<byte[]> keys = new ArrayList<>();
		int[] lengths = { 0, 1, 127, 128, 16_383, 16_384, 70_000 };
		for (int keyLength : new int[] { 1, 127, 128, 16_384 }) {
			for (int valueLength : lengths) {
				add(operations, keys, WriteOperation.Type.PUT, filled(keyLength, 'k'), filled(valueLength, 'v'));
			}
			add(operations, keys, WriteOperation.Type.DEL, filled(keyLength, 'd'), null);
		}
		for (int familyId : new int[] { 0, 1, 127, 128, 300 }) {
			assertThat(serialized(familyId, operations, keys)).isEqualTo(rocksDbs(familyId, operations, keys));
		}
	}

	@Test
	void whenABatchIsEmptyThenItIsRocksDbsEmptyBatch() throws Exception {
		assertThat(serialized(0, List.of(), List.of())).isEqualTo(rocksDbs(0, List.of(), List.of()));
	}

	@Test
	void whenASeededRandomBatchIsWrittenToAColumnFamilyThenTheStoreHoldsExactlyItsLastWrites() throws Exception {
		List<ColumnFamilyHandle> handles = new ArrayList<>();
		try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
				RocksDB db = RocksDB.open(options, this.directory.toString(),
						List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
								new ColumnFamilyDescriptor(bytes("other"))),
						handles);
				WriteOptions write = new WriteOptions()) {
			ColumnFamilyHandle other = handles.get(1);
			SplittableRandom random = new SplittableRandom(22);
			List<WriteOperation> operations = new ArrayList<>();
			List<byte[]> keys = new ArrayList<>();
			java.util.Map<String, byte[]> model = new java.util.HashMap<>();
			for (int i = 0; i < 500; i++) {
				byte[] key = bytes("key" + random.nextInt(40));
				if (random.nextInt(4) == 0) {
					add(operations, keys, WriteOperation.Type.DEL, key, null);
					model.put(new String(key, StandardCharsets.UTF_8), null);
				}
				else {
					byte[] value = filled(random.nextInt(300), (char) ('a' + random.nextInt(26)));
					add(operations, keys, WriteOperation.Type.PUT, key, value);
					model.put(new String(key, StandardCharsets.UTF_8), value);
				}
			}
			try (WriteBatch batch = SerializedBatch.of(other.getID(), operations, keys)) {
				assertThat(batch.count()).isEqualTo(500);
				db.write(write, batch);
			}
			for (java.util.Map.Entry<String, byte[]> entry : model.entrySet()) {
				assertThat(db.get(other, bytes(entry.getKey()))).isEqualTo(entry.getValue());
				assertThat(db.get(bytes(entry.getKey()))).isNull();
			}
			handles.forEach(ColumnFamilyHandle::close);
		}
	}

	@Test
	void whenABatchIsLargerThanTheBoundThenItsSizeSaysSo() {
		List<WriteOperation> operations = new ArrayList<>();
		List<byte[]> keys = new ArrayList<>();
		byte[] big = new byte[SerializedBatch.MAX_BYTES / 2];
		add(operations, keys, WriteOperation.Type.PUT, bytes("a"), big);
		assertThat(SerializedBatch.size(0, operations, keys)).isBetween(0L, (long) SerializedBatch.MAX_BYTES);
		add(operations, keys, WriteOperation.Type.PUT, bytes("b"), big);
		assertThat(SerializedBatch.size(0, operations, keys)).isEqualTo(-1L);
	}

	private static byte[] serialized(int familyId, List<WriteOperation> operations, List<byte[]> keys)
			throws Exception {
		try (WriteBatch batch = SerializedBatch.of(familyId, operations, keys)) {
			return batch.data();
		}
	}

	/** What RocksDB's own put and delete build, for a family of the given id (a handle is only its id here). */
	private static byte[] rocksDbs(int familyId, List<WriteOperation> operations, List<byte[]> keys)
			throws Exception {
		List<ColumnFamilyHandle> handles = new ArrayList<>();
		Path path = java.nio.file.Files.createTempDirectory("serialized-batch");
		List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
		descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
		for (int i = 1; i <= familyId; i++) {
			descriptors.add(new ColumnFamilyDescriptor(bytes("cf" + i)));
		}
		try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
				RocksDB db = RocksDB.open(options, path.toString(), descriptors, handles);
				WriteBatch batch = new WriteBatch()) {
			ColumnFamilyHandle family = handles.get(familyId);
			assertThat(family.getID()).isEqualTo(familyId);
			for (int i = 0; i < operations.size(); i++) {
				if (operations.get(i).type() == WriteOperation.Type.PUT) {
					batch.put(family, keys.get(i), operations.get(i).value());
				}
				else {
					batch.delete(family, keys.get(i));
				}
			}
			byte[] data = batch.data();
			handles.forEach(ColumnFamilyHandle::close);
			return data;
		}
		finally {
			try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(path)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	private static void add(List<WriteOperation> operations, List<byte[]> keys, WriteOperation.Type type, byte[] key,
			byte[] value) {
		operations.add(WriteOperations.of(type, key, key, value));
		keys.add(key);
	}

	private static byte[] filled(int length, char c) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) c);
		return bytes;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
