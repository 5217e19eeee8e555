package io.levelmutex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;

/**
 * One RocksDB directory, opened with its column families, and the mutexes over it.
 *
 * <p>Open with {@link #open(StoreOptions)}; ask for mutexes with {@link #mutex(String)} or
 * {@link #mutex(MutexOptions)}; close with {@link #close()}, which closes every mutex first
 * (their queued operations run to completion) and then RocksDB. A store is thread-safe.
 * Mutexes are cheap: an idle one holds no thread, only a few hundred bytes of queues and
 * counters; all of a store's mutexes share one executor.
 *
 * <p>Each mutex owns its {@link Keyspace}; a store refuses a mutex whose keyspace overlaps
 * another's ({@link KeyspaceOverlapException}). Writes made to RocksDB directly, around the
 * mutexes (see {@link #rocksDB()}), are not ordered by any mutex and are invisible to
 * conflict detection: keep them out of mutexes' keyspaces.
 */
public final class MutexStore implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(MutexStore.class.getName());

	static {
		RocksDB.loadLibrary();
	}

	private final StoreOptions options;

	private final RocksDB db;

	private final RocksAccess access;

	private final DBOptions dbOptions;

	private final WriteOptions durableWrites;

	private final WriteOptions fastWrites;

	private final Executor executor;

	private final @Nullable ExecutorService ownedExecutor;

	private final StoreGuard guard = new StoreGuard();

	/** Column families by name; guarded by {@code this}. */
	private final Map<String, ColumnFamilyHandle> families = new HashMap<>();

	/** Options of opened column families, closed with the store; guarded by {@code this}. */
	private final List<ColumnFamilyOptions> familyOptions = new ArrayList<>();

	/** Live mutexes by name; written under {@code this}, read by any thread. */
	private final Map<String, MutexCore> mutexes = new ConcurrentHashMap<>();

	/** Set once, under {@code this}. */
	private volatile boolean closing;

	private MutexStore(StoreOptions options, Function<RocksDB, RocksAccess> accessFactory) {
		this.options = options;
		Path path = options.path().toAbsolutePath();
		prepareDirectory(path, options.createIfMissing());
		this.dbOptions = new DBOptions().setCreateIfMissing(options.createIfMissing())
			.setCreateMissingColumnFamilies(options.createIfMissing())
			.setKeepLogFileNum(options.keepLogFiles());
		options.dbOptionsCustomizer().accept(this.dbOptions);
		Set<String> names = new LinkedHashSet<>();
		names.add(Keyspace.DEFAULT_COLUMN_FAMILY);
		names.addAll(existingColumnFamilies(path));
		names.addAll(options.columnFamilies());
		List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
		for (String name : names) {
			descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), familyOptions(name)));
		}
		List<ColumnFamilyHandle> handles = new ArrayList<>();
		try {
			this.db = RocksDB.open(this.dbOptions, path.toString(), descriptors, handles);
		}
		catch (RocksDBException ex) {
			this.familyOptions.forEach(ColumnFamilyOptions::close);
			this.dbOptions.close();
			if (StoreLockedException.isLockFailure(ex)) {
				throw new StoreLockedException(path, ex);
			}
			throw new StorageException("Cannot open RocksDB store at " + path + ": " + ex.getMessage(), ex);
		}
		int i = 0;
		for (String name : names) {
			this.families.put(name, handles.get(i++));
		}
		this.access = accessFactory.apply(this.db);
		this.durableWrites = new WriteOptions().setSync(true);
		this.fastWrites = new WriteOptions().setSync(false);
		if (options.executor() != null) {
			this.executor = options.executor();
			this.ownedExecutor = null;
		}
		else {
			this.ownedExecutor = Executors.newFixedThreadPool(options.cycleThreads(), new CycleThreads(path));
			this.executor = this.ownedExecutor;
		}
	}

	/**
	 * Opens (creating if missing, unless told otherwise) a RocksDB directory.
	 * @param options where and how
	 * @return the open store
	 * @throws StoreLockedException if another open store holds the directory (in this process
	 * or another)
	 * @throws StorageException if RocksDB cannot open it (missing, corrupt, unwritable)
	 */
	public static MutexStore open(StoreOptions options) {
		return new MutexStore(options, RocksAccess::new);
	}

	/**
	 * Opens a RocksDB directory with the default options.
	 * @param path the directory
	 * @return the open store
	 */
	public static MutexStore open(Path path) {
		return open(StoreOptions.builder(path).build());
	}

	static MutexStore open(StoreOptions options, Function<RocksDB, RocksAccess> accessFactory) {
		return new MutexStore(options, accessFactory);
	}

	/**
	 * The mutex with this name, created with default options (keyspace
	 * {@link Keyspace#forMutex(String)}) if there is none yet.
	 * @param name the mutex's name
	 * @return the mutex, with byte-array keys and values
	 */
	public Mutex<byte[], byte[]> mutex(String name) {
		MutexCore existing = this.mutexes.get(name);
		if (existing != null) {
			return existing.bytesView();
		}
		return mutex(MutexOptions.builder(name).build());
	}

	/**
	 * The mutex with these options: created if no mutex has the name, returned if one has it
	 * with the same keyspace (its other options stay as they were).
	 * @param options the mutex's options
	 * @return the mutex, with byte-array keys and values
	 * @throws KeyspaceOverlapException if the keyspace overlaps another mutex's
	 * @throws IllegalStateException if a mutex of that name exists with another keyspace
	 * @throws MutexClosedException if the store is closed
	 */
	public synchronized Mutex<byte[], byte[]> mutex(MutexOptions options) {
		return ((CodecMutex<byte[], byte[]>) mutex(options, Codecs.bytes(), Codecs.bytes())).core().bytesView();
	}

	/**
	 * Like {@link #mutex(MutexOptions)}, typed with codecs.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param options the mutex's options
	 * @param keyCodec the key codec
	 * @param valueCodec the value codec
	 * @return the mutex
	 */
	public synchronized <K, V> Mutex<K, V> mutex(MutexOptions options, Codec<K> keyCodec, Codec<V> valueCodec) {
		checkOpen();
		MutexCore existing = this.mutexes.get(options.name());
		if (existing != null) {
			if (!existing.options().keyspace().equals(options.keyspace())) {
				throw new IllegalStateException("Mutex '" + options.name() + "' already exists with keyspace "
						+ existing.options().keyspace() + ", not " + options.keyspace());
			}
			return new CodecMutex<>(existing, keyCodec, valueCodec);
		}
		for (MutexCore other : this.mutexes.values()) {
			if (other.options().keyspace().overlaps(options.keyspace())) {
				throw new KeyspaceOverlapException("Keyspace " + options.keyspace() + " of mutex '" + options.name()
						+ "' overlaps keyspace " + other.options().keyspace() + " of mutex '" + other.name()
						+ "'; give each mutex its own column family or a prefix that is not a prefix of the other's");
			}
		}
		ColumnFamilyHandle family = family(options.keyspace().columnFamily());
		boolean durable = (options.durable() != null) ? options.durable() : this.options.durable();
		Executor cycleExecutor = (options.executor() != null) ? options.executor() : this.executor;
		MutexCore core = new MutexCore(this, options, family, durable ? this.durableWrites : this.fastWrites,
				cycleExecutor);
		this.mutexes.put(options.name(), core);
		return new CodecMutex<>(core, keyCodec, valueCodec);
	}

	/**
	 * The mutex with this name, if it exists; never creates one. The byte-level view of a
	 * mutex is the same object on every call.
	 * @param name the mutex's name
	 * @return the mutex, with byte-array keys and values
	 */
	public Optional<Mutex<byte[], byte[]>> find(String name) {
		MutexCore core = this.mutexes.get(name);
		return (core != null) ? Optional.of(core.bytesView()) : Optional.empty();
	}

	/**
	 * Every live mutex.
	 * @return the mutexes, with byte-array keys and values, in no particular order
	 */
	public Collection<Mutex<byte[], byte[]>> mutexes() {
		List<Mutex<byte[], byte[]>> all = new ArrayList<>(this.mutexes.size());
		for (MutexCore core : this.mutexes.values()) {
			all.add(core.bytesView());
		}
		return all;
	}

	/** @return the options the store was opened with */
	public StoreOptions options() {
		return this.options;
	}

	/** @return whether the store is open (not yet closing) */
	public boolean isOpen() {
		return !this.closing;
	}

	/**
	 * RocksDB's own health signals. Never blocks, not even while the store is closing or a
	 * phase is held up.
	 * @return the store's health
	 */
	public StoreHealth health() {
		if (!this.guard.enter()) {
			return new StoreHealth("rocksdb", false, false, 0, false, 0, 0, java.util.Map.of());
		}
		try {
			return new StoreHealth("rocksdb", !this.closing, !this.closing, dbProperty("rocksdb.background-errors"),
					dbProperty("rocksdb.is-write-stopped") != 0, dbProperty("rocksdb.actual-delayed-write-rate"),
					familiesProperty("rocksdb.estimate-pending-compaction-bytes"), java.util.Map.of());
		}
		finally {
			this.guard.exit();
		}
	}

	private long dbProperty(String name) {
		try {
			return this.db.getLongProperty(name);
		}
		catch (RocksDBException ex) {
			return 0; // not reported by this RocksDB build
		}
	}

	private long familiesProperty(String name) {
		List<ColumnFamilyHandle> handles;
		synchronized (this) {
			handles = new ArrayList<>(this.families.values());
		}
		long total = 0;
		for (ColumnFamilyHandle handle : handles) {
			try {
				total += this.db.getLongProperty(handle, name);
			}
			catch (RocksDBException ex) {
				// not reported for this family
			}
		}
		return total;
	}

	/**
	 * The RocksDB instance, for advanced use (properties, statistics, checkpoints). Writing
	 * through it into a mutex's keyspace bypasses that mutex's ordering and conflict
	 * detection. Do not close it; it is invalid after {@link #close()}.
	 * @return the database
	 */
	public RocksDB rocksDB() {
		return this.db;
	}

	/**
	 * Closes every mutex (each runs its queued operations to completion), then RocksDB.
	 * Idempotent.
	 *
	 * <p>Bounded by {@link StoreOptions#closeTimeout()}: the store waits that long for its
	 * mutexes; every operation of theirs not completed by then (queued, or held up by a
	 * callback, listener or update function that blocks) fails with
	 * {@link MutexClosedException}, and the store returns. RocksDB's native handles are closed
	 * only once no phase uses them: if one is still blocked, by that phase's thread when it
	 * returns. Called on a thread that runs a cycle of a mutex (from a callback), close does not
	 * wait, since that cycle can only finish once the callback returns: it starts closing and
	 * returns; the queued operations still run, and RocksDB is closed after the last mutex.
	 */
	@Override
	public void close() {
		List<MutexCore> open;
		synchronized (this) {
			if (this.closing) {
				return;
			}
			this.closing = true;
			open = new ArrayList<>(this.mutexes.values());
		}
		List<CompletableFuture<Void>> closings = new ArrayList<>();
		for (MutexCore core : open) {
			closings.add(core.closeAsync());
		}
		CompletableFuture<Void> all = CompletableFuture.allOf(closings.toArray(new CompletableFuture<?>[0]));
		if (CycleMarker.running() != null) {
			// each mutex abandons its close after closeTimeout, so this completes in time
			all.whenComplete((ignored, error) -> finishClose(open, 0));
			return;
		}
		long timeout = this.options.closeTimeout().toNanos();
		long deadline = System.nanoTime() + timeout;
		try {
			all.get(timeout, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			LOG.log(System.Logger.Level.WARNING, "Mutexes of store " + this.options.path()
					+ " did not finish their operations within closeTimeout " + this.options.closeTimeout()
					+ "; failing what is left");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			LOG.log(System.Logger.Level.WARNING, "Closing a mutex failed", ex);
		}
		finishClose(open, Thread.currentThread().isInterrupted() ? 0 : Math.max(0, deadline - System.nanoTime()));
	}

	/** Fails what the mutexes left, then closes RocksDB once no phase uses it. */
	private void finishClose(List<MutexCore> open, long waitNanos) {
		for (MutexCore core : open) {
			core.abandon("Store " + this.options.path() + " closed; mutex '" + core.name()
					+ "' did not finish its operations within closeTimeout " + this.options.closeTimeout());
		}
		boolean released;
		try {
			released = this.guard.close(this::release, waitNanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			released = this.guard.isReleased();
		}
		if (!released) {
			LOG.log(System.Logger.Level.WARNING, "A phase of a mutex of store " + this.options.path()
					+ " is still running (a blocked update function, callback or listener); RocksDB will be closed"
					+ " when it returns");
		}
		if (this.ownedExecutor != null) {
			this.ownedExecutor.shutdown();
		}
	}

	/** Closes RocksDB's native handles; run once, when no phase uses them. */
	private synchronized void release() {
		for (ColumnFamilyHandle handle : this.families.values()) {
			handle.close();
		}
		try {
			this.db.syncWal();
		}
		catch (RocksDBException ex) {
			LOG.log(System.Logger.Level.WARNING, "Syncing the WAL of " + this.options.path() + " failed", ex);
		}
		this.db.close();
		this.durableWrites.close();
		this.fastWrites.close();
		this.familyOptions.forEach(ColumnFamilyOptions::close);
		this.dbOptions.close();
	}

	// ---- package-private for the cycle

	/** @return whether RocksDB's native handles are closed (for tests) */
	boolean isReleased() {
		return this.guard.isReleased();
	}

	/** Removes a mutex whose close is about to complete from the registry (any thread). */
	void forget(MutexCore core) {
		this.mutexes.remove(core.name(), core);
	}

	StoreGuard guard() {
		return this.guard;
	}

	RocksAccess access() {
		return this.access;
	}

	// ---- internals

	private void checkOpen() {
		if (this.closing) {
			throw new MutexClosedException("Store " + this.options.path() + " is closed");
		}
	}

	private synchronized ColumnFamilyHandle family(String name) {
		ColumnFamilyHandle handle = this.families.get(name);
		if (handle != null) {
			return handle;
		}
		if (!this.options.createIfMissing()) {
			throw new StorageException("Column family '" + name + "' does not exist in " + this.options.path()
					+ " and create-if-missing is off", null);
		}
		try {
			handle = this.db.createColumnFamily(
					new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), familyOptions(name)));
		}
		catch (RocksDBException ex) {
			throw new StorageException("Cannot create column family '" + name + "': " + ex.getMessage(), ex);
		}
		this.families.put(name, handle);
		return handle;
	}

	private ColumnFamilyOptions familyOptions(String name) {
		ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
		this.options.columnFamilyOptionsCustomizer().accept(name, familyOptions);
		this.familyOptions.add(familyOptions);
		return familyOptions;
	}

	private static void prepareDirectory(Path path, boolean create) {
		try {
			if (create) {
				Files.createDirectories(path);
			}
			else if (!Files.isDirectory(path)) {
				throw new StorageException("Store directory " + path + " does not exist and create-if-missing is off",
						null);
			}
		}
		catch (IOException ex) {
			throw new StorageException("Cannot create store directory " + path + ": " + ex.getMessage(), ex);
		}
		if (!Files.isWritable(path)) {
			throw new StorageException("Store directory " + path + " is not writable", null);
		}
	}

	private static List<String> existingColumnFamilies(Path path) {
		if (!Files.exists(path.resolve("CURRENT"))) {
			return List.of();
		}
		try (Options listOptions = new Options()) {
			List<String> names = new ArrayList<>();
			for (byte[] name : RocksDB.listColumnFamilies(listOptions, path.toString())) {
				names.add(new String(name, StandardCharsets.UTF_8));
			}
			return names;
		}
		catch (RocksDBException ex) {
			throw new StorageException("Cannot list column families of " + path + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "MutexStore[" + this.options.path() + ", mutexes=" + this.mutexes.size() + "]";
	}

	/** Daemon threads named after the store, for the store-owned cycle pool. */
	private static final class CycleThreads implements ThreadFactory {

		private final String prefix;

		private final AtomicInteger count = new AtomicInteger();

		CycleThreads(Path path) {
			this.prefix = "level-mutex-" + path.getFileName() + "-";
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, this.prefix + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
