package io.levelmutex.benchmarks.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;
import io.levelmutex.rocksdb.RocksStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * W1's puts in batches of 256 on one non-durable mutex, with the embedded engine's serialized fill on and off
 * ({@code io.levelmutex.rocksdb.serializedBatches}, set while the store opens): the per-write cost of the native
 * fill, read with {@code -prof gc} (bytes per write) and {@code -prof perfnorm} (instructions and cycles per write:
 * counts that load changes far less than time). Each invocation queues 256 puts of random keys (of 100,000, 100-byte
 * values) and waits for the last; the mean batch is printed at the end of each trial.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main BatchFillBenchmarks -prof gc -prof
 * perfnorm -f 1 -wi 3 -i 5 -w 2s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatchFillBenchmarks {

	private static final String PROPERTY = "io.levelmutex.rocksdb.serializedBatches";

	private static final int KEYS = 100_000;

	private static final int BATCH = 256;

	/** Whether the store's batches are filled from RocksDB's serialized format in one call. */
	@Param({ "true", "false" })
	public boolean serialized;

	// JMH's state; touched only by the benchmark thread (one thread per trial).
	private byte[][] keys = new byte[0][];

	private byte[] value = new byte[0];

	private SplittableRandom random = new SplittableRandom(20_261_208L);

	private Path directory = Path.of(".");

	private MutexStore store;

	private Mutex<byte[], byte[]> mutex;

	private MutexStats before;

	@Setup(Level.Trial)
	public void open() throws Exception {
		this.keys = new byte[KEYS][];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = String.format("key%08d", i).getBytes(StandardCharsets.US_ASCII);
		}
		this.value = new byte[100];
		this.random.nextBytes(this.value);
		this.directory = Files.createTempDirectory("level-mutex-jmh-fill-");
		String previous = System.getProperty(PROPERTY);
		System.setProperty(PROPERTY, String.valueOf(this.serialized));
		try {
			this.store = RocksStore.builder(this.directory)
					.storeOptions(StoreOptions.builder().durable(false).build()).open();
			this.mutex = this.store.mutex(MutexOptions.builder("fill").keyspace(Keyspace.defaultColumnFamily()).build(),
					Codecs.bytes(), Codecs.bytes());
			this.mutex.put(this.keys[0], this.value).join(); // the storage (and its switch) is made
		}
		finally {
			if (previous == null) {
				System.clearProperty(PROPERTY);
			}
			else {
				System.setProperty(PROPERTY, previous);
			}
		}
		this.before = this.mutex.stats();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public Void put256() {
		CompletableFuture<Void> last = null;
		for (int i = 0; i < BATCH; i++) {
			last = this.mutex.put(this.keys[this.random.nextInt(KEYS)], this.value);
		}
		return last.join(); // a mutex completes its writes in order
	}

	@TearDown(Level.Trial)
	public void close() throws IOException {
		MutexStats after = this.mutex.stats();
		long batches = after.batchesFlushed() - this.before.batchesFlushed();
		long writes = after.writesFlushed() - this.before.writesFlushed();
		System.out.printf("%nserialized=%s: %d writes in %d batches, %.1f writes per batch%n", this.serialized, writes,
				batches, (batches > 0) ? (double) writes / batches : 0.0);
		this.store.close();
		try (Stream<Path> files = Files.walk(this.directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
	}

}
