package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.StorageException;
import io.levelmutex.WriteOperation;
import io.levelmutex.WriteOperations;
import io.levelmutex.engine.EngineBatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded engine refills one native {@link WriteBatch} per keyspace storage: each commit writes exactly its own
 * operations (nothing left over from the previous commit, failed or not), and a close while a commit is writing
 * neither breaks that commit nor later ones.
 */
class RocksKeyspaceStorageBatchReuseTest {

	static {
		RocksDB.loadLibrary();
	}

	private static final byte[] PREFIX = bytes("p/");

	@TempDir
	Path directory;

	@Test
	void whenCommitsFollowEachOtherThenEachWritesOnlyItsOwnOperations() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			fixture.storage.commit(batch(1, put("a", "1"), put("b", "2")));
			fixture.storage.commit(batch(2, del("a"), put("c", "3")));
			fixture.storage.commit(batch(3, put("d", "4")));
			assertThat(fixture.written).containsExactly(2, 2, 1);
			assertThat(fixture.get("a")).isNull();
			assertThat(fixture.get("b")).isEqualTo("2");
			assertThat(fixture.get("c")).isEqualTo("3");
			assertThat(fixture.get("d")).isEqualTo("4");
		}
	}

	@Test
	void whenAWriteFailsThenNothingOfItIsAppliedAndTheNextCommitDoesNotCarryItsOperations() throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			fixture.fail.set(true);
			assertThatThrownBy(() -> fixture.storage.commit(batch(1, put("x", "lost"), put("y", "lost"))))
				.isInstanceOf(StorageException.class)
				.hasMessageContaining("injected write fault");
			fixture.fail.set(false);
			fixture.storage.commit(batch(2, put("z", "kept")));
			assertThat(fixture.written).containsExactly(2, 1);
			assertThat(fixture.get("x")).isNull();
			assertThat(fixture.get("y")).isNull();
			assertThat(fixture.get("z")).isEqualTo("kept");
		}
	}

	@Test
	void whenTheStorageIsClosedWhileACommitWritesThenThatCommitAndLaterOnesStillWriteExactlyTheirOperations()
			throws Exception {
		try (Fixture fixture = new Fixture(this.directory)) {
			fixture.duringWrite.set(fixture.storage::close);
			fixture.storage.commit(batch(1, put("a", "1"), put("b", "2")));
			fixture.duringWrite.set(null);
			fixture.storage.commit(batch(2, put("c", "3")));
			fixture.storage.close(); // a second close is harmless
			fixture.storage.commit(batch(3, del("a")));
			assertThat(fixture.written).containsExactly(2, 1, 1);
			assertThat(fixture.get("a")).isNull();
			assertThat(fixture.get("b")).isEqualTo("2");
			assertThat(fixture.get("c")).isEqualTo("3");
		}
	}

	private static EngineBatch batch(long number, WriteOperation... operations) {
		List<byte[]> keys = new ArrayList<>();
		for (WriteOperation op : operations) {
			keys.add(WriteOperations.storedKey(op));
		}
		return new EngineBatch(number, List.of(operations), keys, List.of());
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

	/** A RocksDB of its own, whose access counts each written batch's entries and fails writes on demand. */
	private static final class Fixture implements AutoCloseable {

		final Options options = new Options().setCreateIfMissing(true);

		final RocksDB db;

		final WriteOptions writeOptions = new WriteOptions();

		final List<Integer> written = new ArrayList<>();

		final AtomicBoolean fail = new AtomicBoolean();

		final AtomicReference<Runnable> duringWrite = new AtomicReference<>();

		final RocksKeyspaceStorage storage;

		Fixture(Path path) throws RocksDBException {
			this.db = RocksDB.open(this.options, path.toString());
			RocksAccess access = new RocksAccess(this.db) {
				@Override
				void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
					Runnable action = Fixture.this.duringWrite.get();
					if (action != null) {
						action.run();
					}
					Fixture.this.written.add(batch.count());
					if (Fixture.this.fail.get()) {
						throw new RocksDBException("injected write fault");
					}
					super.write(options, batch);
				}
			};
			this.storage = new RocksKeyspaceStorage(access, this.db.getDefaultColumnFamily(), this.writeOptions,
					PREFIX);
		}

		String get(String key) throws RocksDBException {
			try (ReadOptions read = new ReadOptions()) {
				byte[] value = this.db.get(this.db.getDefaultColumnFamily(), read, stored(key));
				return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
			}
		}

		@Override
		public void close() {
			this.storage.close();
			this.db.close();
			this.writeOptions.close();
			this.options.close();
		}

	}

}
