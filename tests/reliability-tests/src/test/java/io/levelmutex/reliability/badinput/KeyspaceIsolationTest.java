package io.levelmutex.reliability.badinput;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.Keyspace;
import io.levelmutex.KeyspaceOverlapException;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.reliability.support.RawStore;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;
import io.levelmutex.reliability.support.TestStores;
import io.levelmutex.rocksdb.RocksStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Keyspace isolation: mutexes with adjacent and tricky keyspaces (a prefix ending in 0xFF
 * next to its successor, a name-derived prefix, a whole column family) are driven with
 * crafted keys (other keyspaces' prefixes, 0x00 and 0xFF runs, the longest keys) and ranges
 * (unbounded, reversed). Each must see exactly its own model, and a raw scan of the RocksDB
 * directory afterwards must find every key under its own mutex's prefix and nothing else.
 * Overlapping keyspaces are refused.
 */
class KeyspaceIsolationTest {

	static final byte[] PREFIX_A = { 0x01, (byte) 0xFF };

	static final byte[] PREFIX_B = { 0x02 };

	@TempDir
	Path dir;

	@Test
	void whenKeysAreCraftedThenNoMutexReadsOrWritesAnotherKeyspace() throws Exception {
		int seeds = Math.max(2, Settings.intSetting("badInputSeeds", 24) / 6);
		long tried = 0;
		for (int s = 0; s < seeds; s++) {
			long seed = Settings.seed() + 70_000 + s;
			Path storeDir = this.dir.resolve("store-" + s);
			List<ModelDriver> drivers = new ArrayList<>();
			List<byte[]> prefixes = List.of(PREFIX_A, PREFIX_B, "c\0".getBytes(StandardCharsets.UTF_8), new byte[0]);
			try (MutexStore store = RocksStore.builder(storeDir)
					.storeOptions(StoreOptions.builder().durable(false).build()).open()) {
				List<Mutex<byte[], byte[]>> mutexes = List.of(
						TestStores.bytes(store,
								MutexOptions.builder("a").keyspace(Keyspace.defaultColumnFamily().withPrefix(PREFIX_A)).maxKeyBytes(24).build()),
						TestStores.bytes(store,
								MutexOptions.builder("b").keyspace(Keyspace.defaultColumnFamily().withPrefix(PREFIX_B)).maxKeyBytes(24).build()),
						TestStores.bytes(store, MutexOptions.builder("c").maxKeyBytes(24).build()),
						TestStores.bytes(store,
								MutexOptions.builder("d").keyspace(Keyspace.columnFamily("isolated")).maxKeyBytes(24).build()));
				assertOverlapsRefused(store);
				Random random = new Random(seed);
				for (Mutex<byte[], byte[]> mutex : mutexes) {
					drivers.add(new ModelDriver(mutex,
							new Inputs(new Random(random.nextLong()), 24, 64, prefixes.subList(0, 3))));
				}
				for (int i = 0; i < 600; i++) {
					drivers.get(random.nextInt(drivers.size())).step();
				}
				for (ModelDriver driver : drivers) {
					driver.verifyAll();
					tried += driver.tried;
				}
			}
			Map<String, List<byte[][]>> raw = RawStore.dump(storeDir);
			assertRawKeys(raw.get(Keyspace.DEFAULT_COLUMN_FAMILY), prefixes.subList(0, 3), drivers.subList(0, 3));
			assertRawKeys(raw.get("isolated"), List.of(new byte[0]), drivers.subList(3, 4));
		}
		Report.figure("badInput.isolation", "stores", seeds);
		Report.figure("badInput.isolation", "inputsTried", tried);
	}

	private static void assertOverlapsRefused(MutexStore store) {
		List<Keyspace> overlapping = List.of(Keyspace.defaultColumnFamily(),
				Keyspace.defaultColumnFamily().withPrefix(new byte[] { 0x01 }),
				Keyspace.defaultColumnFamily().withPrefix(new byte[] { 0x01, (byte) 0xFF, 0x00 }),
				Keyspace.defaultColumnFamily().withPrefix(new byte[] { 0x02, 0x02 }), Keyspace.forMutex("c"),
				Keyspace.columnFamily("isolated").withPrefix("x"));
		int n = 0;
		for (Keyspace keyspace : overlapping) {
			String name = "overlap-" + n++;
			assertThatExceptionOfType(KeyspaceOverlapException.class).as("keyspace %s", keyspace)
				.isThrownBy(() -> TestStores.bytes(store, MutexOptions.builder(name).keyspace(keyspace).build()));
		}
	}

	private static void assertRawKeys(List<byte[][]> entries, List<byte[]> prefixes, List<ModelDriver> drivers) {
		int expected = drivers.stream().mapToInt((driver) -> driver.model().size()).sum();
		List<String> strays = new ArrayList<>();
		int found = 0;
		for (byte[][] entry : entries) {
			byte[] key = entry[0];
			int owner = -1;
			for (int i = 0; i < prefixes.size(); i++) {
				byte[] prefix = prefixes.get(i);
				if (key.length > prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
					owner = i;
				}
			}
			byte[] relative = (owner >= 0) ? Arrays.copyOfRange(key, prefixes.get(owner).length, key.length) : key;
			byte[] value = (owner >= 0) ? drivers.get(owner).model().get(new ByteKey(relative)) : null;
			if (value == null || !Arrays.equals(value, entry[1])) {
				strays.add(ModelDriver.describe(key));
			}
			else {
				found++;
			}
		}
		assertThat(strays).as("raw keys that belong to no mutex's model").isEmpty();
		assertThat(found).isEqualTo(expected);
	}

}
