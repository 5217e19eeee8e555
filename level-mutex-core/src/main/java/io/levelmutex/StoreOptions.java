package io.levelmutex;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * How a {@link MutexStore} opens its RocksDB directory (build with {@link #builder(Path)}), or,
 * for a store on another engine, how it runs its cycles (build with {@link #builder()}: the
 * RocksDB-specific options, directory, column families, RocksDB option hooks and log files, are
 * ignored there). Instances are immutable.
 *
 * <p>Defaults: create the directory if missing, durable (fsync'd) writes, no extra column
 * families, and a store-owned pool of {@link #DEFAULT_CYCLE_THREADS} daemon threads shared by
 * all of the store's mutexes.
 */
public final class StoreOptions {

	/**
	 * Default size of the store's shared cycle pool: four per processor, at least 8. Threads are
	 * started on demand. A cycle waiting for a durable (fsync'd) RocksDB write does not count
	 * against the size: the store-owned pool runs another cycle meanwhile (up to 256 extra
	 * threads at once, ended after 30 s idle), so that the synced writes of many busy mutexes
	 * arrive together and RocksDB joins them into one WAL sync. Cycles on other engines (a
	 * PostgreSQL round trip) and non-durable writes do count.
	 */
	public static final int DEFAULT_CYCLE_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

	/**
	 * Default number of RocksDB info log files kept in the store's directory (the current
	 * {@code LOG} and the {@code LOG.old.*} files of earlier opens and rolls): 5.
	 */
	public static final int DEFAULT_KEEP_LOG_FILES = 5;

	private final @Nullable Path path;

	private final boolean createIfMissing;

	private final boolean durable;

	private final List<String> columnFamilies;

	private final int cycleThreads;

	private final @Nullable Executor executor;

	private final Consumer<DBOptions> dbOptionsCustomizer;

	private final BiConsumer<String, ColumnFamilyOptions> columnFamilyOptionsCustomizer;

	private final @Nullable BatchInterceptor batchInterceptor;

	private final Duration closeTimeout;

	private final int keepLogFiles;

	private StoreOptions(Builder builder) {
		this.closeTimeout = builder.closeTimeout;
		this.keepLogFiles = builder.keepLogFiles;
		this.path = builder.path;
		this.createIfMissing = builder.createIfMissing;
		this.durable = builder.durable;
		this.columnFamilies = List.copyOf(builder.columnFamilies);
		this.cycleThreads = builder.cycleThreads;
		this.executor = builder.executor;
		this.dbOptionsCustomizer = builder.dbOptionsCustomizer;
		this.columnFamilyOptionsCustomizer = builder.columnFamilyOptionsCustomizer;
		this.batchInterceptor = builder.batchInterceptor;
	}

	/**
	 * Starts options for the RocksDB directory at {@code path}.
	 * @param path the directory
	 * @return a builder with the defaults
	 */
	public static Builder builder(Path path) {
		return new Builder(Objects.requireNonNull(path, "path"));
	}

	/**
	 * Starts options for a store on another engine ({@link MutexStore#open(io.levelmutex.engine.StorageEngine,
	 * StoreOptions)}): no RocksDB directory; the RocksDB-specific options are ignored there.
	 * @return a builder with the defaults
	 */
	public static Builder builder() {
		return new Builder(null);
	}

	/** @return the RocksDB directory, or {@code null} for options made for another engine */
	public @Nullable Path path() {
		return this.path;
	}

	/** @return whether a missing directory (and missing column families) are created */
	public boolean createIfMissing() {
		return this.createIfMissing;
	}

	/** @return whether batches are fsync'd before their writes complete, unless a mutex overrides it */
	public boolean durable() {
		return this.durable;
	}

	/** @return column families opened (and created if missing) besides the default one */
	public List<String> columnFamilies() {
		return this.columnFamilies;
	}

	/** @return the size of the store-owned cycle pool, when no executor is given */
	public int cycleThreads() {
		return this.cycleThreads;
	}

	/** @return the executor mutex cycles run on, or {@code null} for a store-owned pool */
	public @Nullable Executor executor() {
		return this.executor;
	}

	/** @return the hook that tunes RocksDB's {@link DBOptions} before the store opens */
	public Consumer<DBOptions> dbOptionsCustomizer() {
		return this.dbOptionsCustomizer;
	}

	/** @return the hook that tunes each column family's {@link ColumnFamilyOptions} */
	public BiConsumer<String, ColumnFamilyOptions> columnFamilyOptionsCustomizer() {
		return this.columnFamilyOptionsCustomizer;
	}

	/** @return the interceptor called before every batch, or {@code null} */
	public @Nullable BatchInterceptor batchInterceptor() {
		return this.batchInterceptor;
	}

	/**
	 * @return how long a close ({@link MutexStore#close()}, {@link Mutex#close()},
	 * {@link Mutex#closeAsync()}) waits for a mutex to finish its operations before failing
	 * what is left
	 */
	public Duration closeTimeout() {
		return this.closeTimeout;
	}

	/** @return how many RocksDB info log files ({@code LOG}, {@code LOG.old.*}) the directory keeps */
	public int keepLogFiles() {
		return this.keepLogFiles;
	}

	/** Builds {@link StoreOptions}; every setter checks its argument at once. */
	public static final class Builder {

		private final @Nullable Path path;

		private boolean createIfMissing = true;

		private boolean durable = true;

		private final Set<String> columnFamilies = new LinkedHashSet<>();

		private int cycleThreads = DEFAULT_CYCLE_THREADS;

		private @Nullable Executor executor;

		private Consumer<DBOptions> dbOptionsCustomizer = (options) -> {
		};

		private BiConsumer<String, ColumnFamilyOptions> columnFamilyOptionsCustomizer = (name, options) -> {
		};

		private @Nullable BatchInterceptor batchInterceptor;

		private Duration closeTimeout = Duration.ofSeconds(30);

		private int keepLogFiles = DEFAULT_KEEP_LOG_FILES;

		private Builder(@Nullable Path path) {
			this.path = path;
		}

		/**
		 * Sets whether a missing directory and missing column families are created.
		 * @param createIfMissing {@code false} to fail when the store does not exist
		 * @return this builder
		 */
		public Builder createIfMissing(boolean createIfMissing) {
			this.createIfMissing = createIfMissing;
			return this;
		}

		/**
		 * Sets whether batches are fsync'd to the write-ahead log before their writes complete
		 * (default {@code true}). Off, a write survives a process crash but may be lost when
		 * the machine loses power; batching keeps durable writes cheap.
		 * @param durable whether writes are durable
		 * @return this builder
		 */
		public Builder durable(boolean durable) {
			this.durable = durable;
			return this;
		}

		/**
		 * Adds column families to open (and create if missing) besides the default one. A
		 * mutex whose keyspace names another column family creates it on demand.
		 * @param names column family names
		 * @return this builder
		 */
		public Builder columnFamilies(String... names) {
			for (String name : names) {
				if (name == null || name.isEmpty()) {
					throw new IllegalArgumentException("Column family names must not be empty");
				}
				this.columnFamilies.add(name);
			}
			return this;
		}

		/**
		 * Sets the size of the store-owned cycle pool: how many mutexes' cycles run at once, not
		 * counting those waiting for a durable RocksDB write (the pool runs another cycle for
		 * each of those, up to 256 extra: see {@link #DEFAULT_CYCLE_THREADS}). On other engines
		 * every cycle counts, including its storage round trips.
		 * @param threads at least 1
		 * @return this builder
		 */
		public Builder cycleThreads(int threads) {
			if (threads < 1) {
				throw new IllegalArgumentException("cycleThreads must be at least 1 but was " + threads);
			}
			this.cycleThreads = threads;
			return this;
		}

		/**
		 * Runs every mutex's cycles on this executor instead of a store-owned pool. The store
		 * does not shut it down, and a cycle waiting for a durable write holds its thread (the
		 * store-owned pool would run another cycle meanwhile), so size it for the mutexes
		 * that write at once. It must run every task it accepts: a rejected cycle fails
		 * the operations it would have run.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder executor(Executor executor) {
			this.executor = Objects.requireNonNull(executor, "executor");
			return this;
		}

		/**
		 * Tunes RocksDB's database options before the store opens (advanced use).
		 * @param customizer called once with the options the store will open with
		 * @return this builder
		 */
		public Builder dbOptions(Consumer<DBOptions> customizer) {
			this.dbOptionsCustomizer = Objects.requireNonNull(customizer, "customizer");
			return this;
		}

		/**
		 * Tunes each column family's options before it is opened or created (advanced use).
		 * @param customizer called with each column family's name and options
		 * @return this builder
		 */
		public Builder columnFamilyOptions(BiConsumer<String, ColumnFamilyOptions> customizer) {
			this.columnFamilyOptionsCustomizer = Objects.requireNonNull(customizer, "customizer");
			return this;
		}

		/**
		 * Sets an interceptor called before every batch of every mutex; if it throws, the
		 * batch fails as if RocksDB had failed it.
		 * @param interceptor the interceptor
		 * @return this builder
		 */
		public Builder batchInterceptor(BatchInterceptor interceptor) {
			this.batchInterceptor = Objects.requireNonNull(interceptor, "interceptor");
			return this;
		}

		/**
		 * Sets how long every close ({@link MutexStore#close()}, {@link Mutex#close()},
		 * {@link Mutex#closeAsync()}) waits for a mutex to finish its operations (default 30
		 * seconds). After it, every operation of that mutex not completed yet, queued or held up
		 * in a running phase by a blocking callback, listener or update function, fails with
		 * {@link MutexClosedException}, the close completes, and the mutex reads and writes
		 * nothing more; RocksDB is closed once no phase uses it.
		 * @param timeout a positive duration
		 * @return this builder
		 */
		public Builder closeTimeout(Duration timeout) {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("closeTimeout must be positive but was " + timeout);
			}
			this.closeTimeout = timeout;
			return this;
		}

		/**
		 * Sets how many RocksDB info log files the store's directory keeps (RocksDB
		 * {@code keep_log_file_num}, default {@link #DEFAULT_KEEP_LOG_FILES}): RocksDB starts a
		 * new {@code LOG} on every open and renames the previous one {@code LOG.old.<time>};
		 * the oldest beyond this number are deleted. A {@link #dbOptions} customizer runs
		 * after this and may change it.
		 * @param files at least 1
		 * @return this builder
		 */
		public Builder keepLogFiles(int files) {
			if (files < 1) {
				throw new IllegalArgumentException("keepLogFiles must be at least 1 but was " + files);
			}
			this.keepLogFiles = files;
			return this;
		}

		/**
		 * Builds the options.
		 * @return the options
		 */
		public StoreOptions build() {
			return new StoreOptions(this);
		}

		List<String> columnFamilyList() {
			return new ArrayList<>(this.columnFamilies);
		}

	}

}
