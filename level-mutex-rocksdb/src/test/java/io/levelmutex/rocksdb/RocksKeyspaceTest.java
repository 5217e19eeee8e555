package io.levelmutex.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.rocksdb.RocksIterator;

import io.levelmutex.Entry;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keyspaces on RocksDB (moved from core's KeyspaceTest): raw keys carry the prefix, column families persist. */
class RocksKeyspaceTest {

	@Test
	void whenOneMutexWritesThenNeighboursNeverSeeItAndRawKeysCarryThePrefix() throws Exception {
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> left = temp.store.mutex(MutexOptions.builder("left").build(), Codecs.utf8(),
					Codecs.utf8());
			Mutex<String, String> right = temp.store.mutex(MutexOptions.builder("right").build(), Codecs.utf8(),
					Codecs.utf8());
			left.put("k", "left").join();
			left.put("\u0000crafted", "left").join();
			left.put("\uffff", "left").join();
			assertThat(right.get("k").join()).isEmpty();
			assertThat(right.peekFirst().join()).isEmpty();
			assertThat(right.peekLast().join()).isEmpty();
			right.put("z", "right").join();
			assertThat(left.peekLast().join()).contains(new Entry<>("\uffff", "left"));
			assertThat(left.peekFirst().join()).contains(new Entry<>("\u0000crafted", "left"));
			assertThat(right.peekFirst().join()).contains(new Entry<>("z", "right"));
			try (RocksIterator it = RocksStore.rocksDB(temp.store).newIterator()) {
				int count = 0;
				for (it.seekToFirst(); it.isValid(); it.next()) {
					String raw = new String(it.key(), StandardCharsets.UTF_8);
					assertThat(raw).matches("(left|right)\u0000.*");
					count++;
				}
				assertThat(count).isEqualTo(4);
			}
		}
	}

	@Test
	void whenColumnFamilyUsedThenItPersistsAcrossReopen() {
		Path path = TempStore.newDirectory();
		try {
			MutexOptions options = MutexOptions.builder("cf").keyspace(Keyspace.columnFamily("docs")).build();
			try (MutexStore store = RocksStore.builder(path).open()) {
				store.mutex(options, Codecs.utf8(), Codecs.utf8()).put("k", "v").join();
			}
			try (MutexStore store = RocksStore.builder(path).open()) {
				Optional<String> value = store.mutex(options, Codecs.utf8(), Codecs.utf8()).get("k").join();
				assertThat(value).contains("v");
				assertThat(store.health().healthy()).isTrue();
			}
			assertThatThrownBy(() -> RocksStore.builder(path.resolve("missing"))
				.createIfMissing(false)
				.open()).isInstanceOf(StorageException.class).hasMessageContaining("missing");
		}
		finally {
			TempStore.deleteRecursively(path);
		}
	}

}
