package io.levelmutex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;
import io.levelmutex.engine.StorageEngine;

/**
 * The mutexes over one storage engine. Engine modules open it: {@code RocksStore.builder(path).open()}
 * ({@code level-mutex-rocksdb}, an embedded RocksDB directory) or {@code PostgresStore.builder(dataSource).open()}
 * ({@code level-mutex-postgres}); any {@link StorageEngine} runs through {@link #open(StorageEngine,
 * StoreOptions)}.
 *
 * <p>Ask for mutexes with {@link #mutex(String)} or {@link #mutex(MutexOptions)}; close with
 * {@link #close()}, which closes every mutex first (their queued operations run to completion) and
 * then the engine. A store is thread-safe.
 * Mutexes are cheap: an idle one holds no thread, only a few hundred bytes of queues and
 * counters; all of a store's mutexes share one executor.
 *
 * <p>Each mutex owns its {@link Keyspace}; a store refuses a mutex whose keyspace overlaps
 * another's ({@link KeyspaceOverlapException}). Writes made to the storage directly, around
 * the mutexes (e.g. through {@code RocksStore.rocksDB(store)}), are not ordered by any mutex and are invisible to
 * conflict detection: keep them out of mutexes' keyspaces.
 */
public final class MutexStore implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(MutexStore.class.getName());

	private final StoreOptions options;

	private final StorageEngine engine;

	/** The engine's description, for messages. */
	private final String description;

	private final Executor executor;

	private final @Nullable CyclePool ownedExecutor;

	private final StoreGuard guard = new StoreGuard();

	/** Live mutexes by name; written under {@code this}, read by any thread. */
	private final Map<String, MutexCore> mutexes = new ConcurrentHashMap<>();

	/** Every mutex opened, whose keyspace storage the release closes if its own close did not; guarded by {@code this}. */
	private final List<MutexCore> opened = new ArrayList<>();

	/** Set once, under {@code this}. */
	private volatile boolean closing;

	private MutexStore(StorageEngine engine, StoreOptions options) {
		this.options = options;
		this.engine = engine;
		this.description = engine.description();
		if (options.executor() != null) {
			this.executor = options.executor();
			this.ownedExecutor = null;
		}
		else {
			this.ownedExecutor = new CyclePool("level-mutex-" + threadName(engine) + "-", options.cycleThreads());
			this.executor = this.ownedExecutor;
		}
	}

	/**
	 * Opens a store on a storage engine: the same mutexes, cycle and guarantees on that engine's storage. The
	 * store owns the engine from now on: it closes it, once, after its mutexes ({@link #close()}).
	 * @param engine the engine, open and ready
	 * @param options the cycle's options (executor or cycle threads, close timeout, durability, interceptor)
	 * @return the open store
	 */
	public static MutexStore open(StorageEngine engine, StoreOptions options) {
		return new MutexStore(Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(options, "options"));
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
		boolean durable = (options.durable() != null) ? options.durable() : this.options.durable();
		Executor cycleExecutor = (options.executor() != null) ? options.executor() : this.executor;
		MutexCore core = new MutexCore(this, options, this.engine, durable, cycleExecutor);
		this.mutexes.put(options.name(), core);
		this.opened.add(core);
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
	 * The local directory of the store's engine (the embedded RocksDB engine's), for logs and health.
	 * @return the directory, absolute, or {@code null} for an engine without one (PostgreSQL)
	 */
	public @Nullable Path directory() {
		return this.engine.directory();
	}

	/**
	 * The store's engine, for engine modules' accessors (e.g. {@code RocksStore.rocksDB(store)}). Applications
	 * use the mutexes; calling the engine directly bypasses their ordering.
	 * @return the engine the store runs on
	 */
	public StorageEngine engine() {
		return this.engine;
	}

	/**
	 * What and where the store's engine is, e.g. {@code "rocksdb /var/lib/app/mutex"}.
	 * @return the engine's description
	 */
	public String description() {
		return this.description;
	}

	/**
	 * The engine's health signals (RocksDB's own for the embedded engine). Never blocks for long, not even
	 * while the store is closing or a phase is held up; once the store is closing it reports it closed and
	 * unavailable.
	 * @return the store's health
	 */
	public StoreHealth health() {
		if (!this.guard.enter()) {
			return StoreHealth.of(engineName(), false, false, Map.of());
		}
		try {
			StoreHealth health = this.engine.health();
			if (this.closing) {
				return new StoreHealth(health.engine(), false, false, health.backgroundErrors(), health.writeStopped(),
						health.delayedWriteRate(), health.pendingCompactionBytes(), health.details());
			}
			return health;
		}
		finally {
			this.guard.exit();
		}
	}

	/** The first word of the description, e.g. {@code rocksdb}. */
	private String engineName() {
		int space = this.description.indexOf(' ');
		return (space > 0) ? this.description.substring(0, space) : this.description;
	}

	/**
	 * Closes every mutex (each runs its queued operations to completion), then the engine.
	 * Idempotent.
	 *
	 * <p>Bounded by {@link StoreOptions#closeTimeout()}: the store waits that long for its
	 * mutexes; every operation of theirs not completed by then (queued, or held up by a
	 * callback, listener or update function that blocks) fails with
	 * {@link MutexClosedException}, and the store returns. The engine is closed
	 * only once no phase uses them: if one is still blocked, by that phase's thread when it
	 * returns. Called on a thread that runs a cycle of a mutex (from a callback), close does not
	 * wait, since that cycle can only finish once the callback returns: it starts closing and
	 * returns; the queued operations still run, and the engine is closed after the last mutex.
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
			LOG.log(System.Logger.Level.WARNING, "Mutexes of store " + this.description
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

	/** Fails what the mutexes left, then closes the engine once no phase uses it. */
	private void finishClose(List<MutexCore> open, long waitNanos) {
		for (MutexCore core : open) {
			core.abandon("Store " + this.description + " closed; mutex '" + core.name()
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
			LOG.log(System.Logger.Level.WARNING, "A phase of a mutex of store " + this.description
					+ " is still running (a blocked update function, callback or listener); the engine will be closed"
					+ " when it returns");
		}
		if (this.ownedExecutor != null) {
			this.ownedExecutor.shutdown();
		}
	}

	/**
	 * Closes the keyspace storages that mutexes abandoned by the close left open, then the engine; run once,
	 * when no phase uses them.
	 */
	private void release() {
		List<MutexCore> all;
		synchronized (this) {
			all = new ArrayList<>(this.opened);
		}
		for (MutexCore core : all) {
			core.closeStorage();
		}
		this.engine.close();
	}

	// ---- package-private for the cycle

	/** @return whether the engine is closed (for tests) */
	boolean isReleased() {
		return this.guard.isReleased();
	}

	/** Removes a mutex whose close is about to complete from the registry (any thread). */
	void forget(MutexCore core) {
		this.mutexes.remove(core.name(), core);
	}

	/** A mutex closed its keyspace storage itself: the release need not (any thread). */
	synchronized void storageClosed(MutexCore core) {
		this.opened.remove(core);
	}

	StoreGuard guard() {
		return this.guard;
	}

	// ---- internals

	private void checkOpen() {
		if (this.closing) {
			throw new MutexClosedException("Store " + this.description + " is closed");
		}
	}

	/** The directory's name for an engine with one, else the first word of its description. */
	private static String threadName(StorageEngine engine) {
		Path path = engine.directory();
		if (path != null && path.getFileName() != null) {
			return path.getFileName().toString();
		}
		String description = engine.description();
		int space = description.indexOf(' ');
		return (space > 0) ? description.substring(0, space) : description;
	}

	@Override
	public String toString() {
		return "MutexStore[" + this.description + ", mutexes=" + this.mutexes.size() + "]";
	}

	/** Daemon threads named after the store, for the store-owned cycle pool. */
	/** The store's own cycle pool, or {@code null} when the application gave the store an executor; for tests. */
	@Nullable CyclePool ownCyclePool() {
		return this.ownedExecutor;
	}

	/** Threads the store's own cycle pool runs beyond its size, for cycles waiting in a durable write; for tests. */
	int cyclePoolExtraThreads() {
		return (this.ownedExecutor != null) ? this.ownedExecutor.extraThreads() : 0;
	}

}
