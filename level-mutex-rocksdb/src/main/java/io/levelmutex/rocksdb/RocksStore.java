package io.levelmutex.rocksdb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

/**
 * Opens a {@link MutexStore} on an embedded RocksDB directory: the mutexes of one process, kept on its local disk.
 *
 * <pre>{@code
 * MutexStore store = RocksStore.builder(Path.of("data/store")).open();
 * Mutex<byte[], byte[]> orders = store.mutex("orders");
 * }</pre>
 *
 * <p>A mutex's {@link io.levelmutex.Keyspace} is a column family plus a key prefix. This process is the only
 * writer (RocksDB locks the directory: a second open fails with {@link StoreLockedException}), so commits never
 * validate updates and no remote change is reported. Durability is the store's
 * ({@link StoreOptions.Builder#durable(boolean)}, default on) unless a mutex sets its own: a durable batch is
 * fsync'd to the write-ahead log before its writes complete, and the store's cycle pool runs other mutexes' cycles
 * while it waits, so that their synced writes share one WAL sync.
 */
public final class RocksStore {

	/**
	 * Default number of RocksDB info log files kept in the store's directory (the current {@code LOG} and the
	 * {@code LOG.old.*} files of earlier opens and rolls): 5.
	 */
	public static final int DEFAULT_KEEP_LOG_FILES = 5;

	private RocksStore() {
	}

	/**
	 * Starts a builder for the RocksDB directory at {@code path}.
	 * @param path the directory
	 * @return a builder with the defaults
	 */
	public static Builder builder(Path path) {
		return new Builder(Objects.requireNonNull(path, "path"));
	}

	/**
	 * The RocksDB instance of a store opened by this module, for advanced use (properties, statistics,
	 * checkpoints). Writing through it into a mutex's keyspace bypasses that mutex's ordering and conflict
	 * detection. Do not close it; it is invalid after the store's {@link MutexStore#close()}.
	 * @param store a store
	 * @return its database
	 * @throws IllegalStateException if the store runs on another engine
	 */
	public static RocksDB rocksDB(MutexStore store) {
		if (store.engine() instanceof RocksEngine rocks) {
			return rocks.db();
		}
		throw new IllegalStateException("Store on " + store.description() + " has no RocksDB instance");
	}

	/** Settings of an embedded store; every setter checks its argument at once. Not thread-safe. */
	public static final class Builder {

		private final Path path;

		private boolean createIfMissing = true;

		private final Set<String> columnFamilies = new LinkedHashSet<>();

		private Consumer<DBOptions> dbOptionsCustomizer = (options) -> {
		};

		private BiConsumer<String, ColumnFamilyOptions> columnFamilyOptionsCustomizer = (name, options) -> {
		};

		private int keepLogFiles = DEFAULT_KEEP_LOG_FILES;

		private StoreOptions storeOptions = StoreOptions.builder().build();

		private boolean groupCommit = true;

		/** Every RocksDB call of the engine; tests of this package inject faults here. */
		private Function<RocksDB, RocksAccess> accessFactory = RocksAccess::new;

		private Builder(Path path) {
			this.path = path;
		}

		/**
		 * Sets whether a missing directory and missing column families are created (default {@code true}).
		 * @param createIfMissing {@code false} to fail when the store does not exist
		 * @return this builder
		 */
		public Builder createIfMissing(boolean createIfMissing) {
			this.createIfMissing = createIfMissing;
			return this;
		}

		/**
		 * Adds column families to open (and create if missing) besides the default one. A mutex whose keyspace
		 * names another column family creates it on demand.
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
		 * Sets how many RocksDB info log files the store's directory keeps (RocksDB {@code keep_log_file_num},
		 * default {@link #DEFAULT_KEEP_LOG_FILES}): RocksDB starts a new {@code LOG} on every open and renames the
		 * previous one {@code LOG.old.<time>}; the oldest beyond this number are deleted. A {@link #dbOptions}
		 * customizer runs after this and may change it.
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
		 * Sets whether durable batches go through the store's committer (default {@code true}): a mutex's cycle hands
		 * its ready batch over; if no other batch is in flight it writes the batch itself, at once (a lone busy mutex
		 * pays nothing for the committer), otherwise it returns its thread and the committer writes the ready batches
		 * of many mutexes with one synced RocksDB write, then each mutex's cycle goes on (its events and completions
		 * in the same order as without). Each mutex's batch stays atomic; a failed write fails exactly the batches in
		 * it.
		 * Non-durable batches are always written by their cycle. With {@code false} each cycle writes its own
		 * batch and waits for its sync on a thread (the store's cycle pool lends another thread meanwhile).
		 * @param groupCommit {@code false} for one synced write per batch
		 * @return this builder
		 */
		public Builder groupCommit(boolean groupCommit) {
			this.groupCommit = groupCommit;
			return this;
		}

		/**
		 * The store's engine-neutral options (durability, cycle threads or executor, close timeout, batch
		 * interceptor); default {@code StoreOptions.builder().build()}.
		 * @param options the options
		 * @return this builder
		 */
		public Builder storeOptions(StoreOptions options) {
			this.storeOptions = Objects.requireNonNull(options, "options");
			return this;
		}

		/**
		 * Opens (creating if missing, unless told otherwise) the directory with its column families.
		 * @return the open store; closing it closes RocksDB
		 * @throws StoreLockedException if another open store holds the directory (in this process or another)
		 * @throws io.levelmutex.StorageException if RocksDB cannot open it (missing, corrupt, unwritable)
		 */
		public MutexStore open() {
			RocksEngine engine = new RocksEngine(this);
			try {
				return MutexStore.open(engine, this.storeOptions);
			}
			catch (RuntimeException ex) {
				engine.close();
				throw ex;
			}
		}

		/** @return the directory */
		public Path path() {
			return this.path;
		}

		/** @return whether a missing directory (and missing column families) are created */
		public boolean createIfMissing() {
			return this.createIfMissing;
		}

		/** @return column families opened (and created if missing) besides the default one */
		public List<String> columnFamilies() {
			return new ArrayList<>(this.columnFamilies);
		}

		/** @return how many RocksDB info log files ({@code LOG}, {@code LOG.old.*}) the directory keeps */
		public int keepLogFiles() {
			return this.keepLogFiles;
		}

		/** @return the store's engine-neutral options */
		public StoreOptions storeOptions() {
			return this.storeOptions;
		}

		Consumer<DBOptions> dbOptionsCustomizer() {
			return this.dbOptionsCustomizer;
		}

		BiConsumer<String, ColumnFamilyOptions> columnFamilyOptionsCustomizer() {
			return this.columnFamilyOptionsCustomizer;
		}

		boolean groupCommit() {
			return this.groupCommit;
		}

		Function<RocksDB, RocksAccess> accessFactory() {
			return this.accessFactory;
		}

		/** Replaces every RocksDB call of the engine, for fault-injection tests of this package. */
		Builder access(Function<RocksDB, RocksAccess> factory) {
			this.accessFactory = Objects.requireNonNull(factory, "factory");
			return this;
		}

	}

}
