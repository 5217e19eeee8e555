package io.levelmutex.benchmarks.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;
import io.levelmutex.rocksdb.RocksStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * One client, one operation at a time, waited for: what a single caller pays. Raw RocksDB
 * calls run on the caller's thread; the mutex's run on its cycle thread, so the caller also
 * pays a hand-off there and back, which {@link #handOff} measures alone (an empty task on a
 * two-thread pool, joined).
 *
 * <p>Keys cycle through 10k keys; values are 100 random bytes. Each store is fresh for each
 * trial, under the system temp directory, and deleted after it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SingleOperationBenchmarks {

	private static final int KEYS = 10_000;

	// JMH's state; touched only by the benchmark thread (one thread per trial).
	private byte[][] keys = new byte[0][];

	private byte[] value = new byte[0];

	private int next;

	private Path rawDirectory = Path.of(".");

	private Path mutexDirectory = Path.of(".");

	private Options options = new Options();

	private RocksDB raw;

	private WriteOptions async;

	private WriteOptions sync;

	private MutexStore store;

	private Mutex<byte[], byte[]> mutex;

	private Mutex<byte[], byte[]> durableMutex;

	private ExecutorService pool;

	/**
	 * Opens a raw RocksDB and a mutex store in fresh directories and preloads every key.
	 * @throws Exception if a store cannot be opened
	 */
	@Setup(Level.Trial)
	public void open() throws Exception {
		RocksDB.loadLibrary();
		SplittableRandom random = new SplittableRandom(42);
		this.keys = new byte[KEYS][];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = String.format("key%08d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		}
		this.value = new byte[100];
		random.nextBytes(this.value);
		this.rawDirectory = Files.createTempDirectory("level-mutex-jmh-raw-");
		this.mutexDirectory = Files.createTempDirectory("level-mutex-jmh-mutex-");
		this.options = new Options().setCreateIfMissing(true);
		this.raw = RocksDB.open(this.options, this.rawDirectory.toString());
		this.async = new WriteOptions().setSync(false);
		this.sync = new WriteOptions().setSync(true);
		this.store = RocksStore.builder(this.mutexDirectory)
				.storeOptions(StoreOptions.builder().durable(false).build()).open();
		this.mutex = this.store.mutex(
				MutexOptions.builder("jmh").keyspace(Keyspace.defaultColumnFamily().withPrefix("a")).build(),
				Codecs.bytes(), Codecs.bytes());
		this.durableMutex = this.store.mutex(MutexOptions.builder("jmh-durable")
			.keyspace(Keyspace.defaultColumnFamily().withPrefix("b"))
			.durable(true)
			.build(), Codecs.bytes(), Codecs.bytes());
		for (byte[] key : this.keys) {
			this.raw.put(this.async, key, this.value);
		}
		CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
		for (int i = 0; i < KEYS; i++) {
			last = this.mutex.put(this.keys[i], this.value);
			if (i % 4096 == 4095) {
				// Stay under the mutex's queue limit.
				last.join();
			}
		}
		last.join();
		this.pool = Executors.newFixedThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "hand-off");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Closes the stores and deletes their directories.
	 * @throws IOException if a directory cannot be deleted
	 */
	@TearDown(Level.Trial)
	public void close() throws IOException {
		this.pool.shutdownNow();
		this.store.close();
		this.raw.close();
		this.async.close();
		this.sync.close();
		this.options.close();
		delete(this.rawDirectory);
		delete(this.mutexDirectory);
	}

	private byte[] nextKey() {
		int index = this.next;
		this.next = (index + 1 == KEYS) ? 0 : index + 1;
		return this.keys[index];
	}

	/**
	 * A raw non-durable put on the caller's thread.
	 * @throws RocksDBException if it fails
	 */
	@Benchmark
	public void rawPut() throws RocksDBException {
		this.raw.put(this.async, nextKey(), this.value);
	}

	/**
	 * A raw durable (fsync'd) put on the caller's thread.
	 * @throws RocksDBException if it fails
	 */
	@Benchmark
	public void rawPutDurable() throws RocksDBException {
		this.raw.put(this.sync, nextKey(), this.value);
	}

	/**
	 * A raw get on the caller's thread.
	 * @return the value
	 * @throws RocksDBException if it fails
	 */
	@Benchmark
	public byte[] rawGet() throws RocksDBException {
		return this.raw.get(nextKey());
	}

	/**
	 * A non-durable mutex put, waited for.
	 * @return nothing, joined
	 */
	@Benchmark
	public Void mutexPut() {
		return this.mutex.put(nextKey(), this.value).join();
	}

	/**
	 * A durable mutex put, waited for.
	 * @return nothing, joined
	 */
	@Benchmark
	public Void mutexPutDurable() {
		return this.durableMutex.put(nextKey(), this.value).join();
	}

	/**
	 * A mutex get, waited for.
	 * @return the value
	 */
	@Benchmark
	public Optional<byte[]> mutexGet() {
		return this.mutex.get(nextKey()).join();
	}

	/**
	 * An empty task handed to a pool thread and joined: the bare cost of the hand-off to a
	 * cycle thread and back that every mutex operation pays at one client.
	 * @return nothing, joined
	 */
	@Benchmark
	public Void handOff() {
		return CompletableFuture.runAsync(() -> {
		}, this.pool).join();
	}

	private static void delete(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
	}

}
