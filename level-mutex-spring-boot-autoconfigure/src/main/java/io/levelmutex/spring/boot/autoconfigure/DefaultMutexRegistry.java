package io.levelmutex.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.NoSuchMutexException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The auto-configured {@link MutexRegistry}: creates the configured mutexes when constructed,
 * creates others on demand when allowed, and closes every mutex when the application context
 * stops, before the store closes.
 *
 * <p>Shutdown: as a {@link SmartLifecycle} of phase {@link #PHASE} (below the web server's
 * graceful shutdown, so in-flight requests finish first), {@link #stop(Runnable)} closes every
 * mutex at once; each stops accepting operations and runs its queued ones to completion, so
 * every write acknowledged before, or queued by, shutdown is flushed before the store (a bean
 * this one depends on) is closed. {@link #destroy()} does the same when the context is closed
 * without being stopped. Once stopped, the registry is closed for good.
 */
final class DefaultMutexRegistry implements MutexRegistry, SmartLifecycle, DisposableBean {

	/** The lifecycle phase: stops after web servers and message listeners. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(DefaultMutexRegistry.class);

	private final MutexStore store;

	private final @Nullable Function<String, MutexOptions> onDemandOptions;

	/** Written under {@link #lock}, read without it (lookups). */
	private final Map<String, Mutex<byte[], byte[]>> byName = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	/** Guarded by {@link #lock}: every mutex, in creation order. */
	private final List<Mutex<byte[], byte[]>> ordered = new ArrayList<>();

	/** Immutable: the configured mutexes' options, to create one again after its user closed it. */
	private final Map<String, MutexOptions> configuredOptions;

	/** Guarded by {@link #lock}. */
	private final List<Consumer<? super Mutex<byte[], byte[]>>> creationActions = new ArrayList<>();

	/** Immutable: wraps each mutex once as it is created (the MutexDecorator beans); identity if none. */
	private final UnaryOperator<Mutex<byte[], byte[]>> decorate;

	/** Guarded by {@link #lock}. */
	private boolean closed;

	/** Guarded by {@link #lock}. */
	private boolean running;

	/**
	 * Creates the registry and its configured mutexes.
	 * @param store the store
	 * @param configured the configured mutexes' options, in creation order
	 * @param onDemandOptions options for mutexes created on demand, or {@code null} if that
	 * is not allowed
	 * @param creationActions called with every mutex before anyone else sees it
	 */
	DefaultMutexRegistry(MutexStore store, Collection<MutexOptions> configured,
			@Nullable Function<String, MutexOptions> onDemandOptions,
			List<Consumer<? super Mutex<byte[], byte[]>>> creationActions) {
		this(store, configured, onDemandOptions, creationActions, UnaryOperator.identity());
	}

	/**
	 * Creates the registry and its configured mutexes, each wrapped once by {@code decorate}: the registry hands
	 * out the wrapped mutex only, so every way of obtaining a mutex gives the same instance.
	 * @param store the store
	 * @param configured the configured mutexes' options, in creation order
	 * @param onDemandOptions options for mutexes created on demand, or {@code null} if that
	 * is not allowed
	 * @param creationActions called with every (wrapped) mutex before anyone else sees it
	 * @param decorate wraps a mutex as it is created
	 */
	DefaultMutexRegistry(MutexStore store, Collection<MutexOptions> configured,
			@Nullable Function<String, MutexOptions> onDemandOptions,
			List<Consumer<? super Mutex<byte[], byte[]>>> creationActions,
			UnaryOperator<Mutex<byte[], byte[]>> decorate) {
		this.store = store;
		this.decorate = decorate;
		this.onDemandOptions = onDemandOptions;
		Map<String, MutexOptions> byNameOptions = new LinkedHashMap<>();
		configured.forEach((options) -> byNameOptions.put(options.name(), options));
		this.configuredOptions = Map.copyOf(byNameOptions);
		synchronized (this.lock) {
			this.creationActions.addAll(creationActions);
			for (MutexOptions options : configured) {
				create(options);
			}
		}
	}

	@Override
	public Mutex<byte[], byte[]> mutex(String name) {
		Mutex<byte[], byte[]> mutex = this.byName.get(name);
		if (mutex != null && !mutex.isClosed()) {
			return mutex;
		}
		MutexOptions configured = this.configuredOptions.get(name);
		if (configured == null && this.onDemandOptions == null) {
			throw new NoSuchMutexException(name);
		}
		synchronized (this.lock) {
			mutex = this.byName.get(name);
			if (mutex != null && !mutex.isClosed()) {
				return mutex;
			}
			if (this.closed) {
				throw new IllegalStateException("Cannot create mutex '" + name + "': the mutex registry is closed");
			}
			if (mutex != null) {
				// closed by its user: retire it once the store has let go of its keyspace
				if (!mutex.closeAsync().isDone()) {
					throw new IllegalStateException("Mutex '" + name
							+ "' is still closing (running its queued operations); ask again once its close completed");
				}
				this.ordered.remove(mutex);
				this.byName.remove(name);
			}
			return create((configured != null) ? configured : this.onDemandOptions.apply(name));
		}
	}

	@Override
	public Optional<Mutex<byte[], byte[]>> find(String name) {
		Mutex<byte[], byte[]> mutex = this.byName.get(name);
		return (mutex != null && !mutex.isClosed()) ? Optional.of(mutex) : Optional.empty();
	}

	@Override
	public Collection<Mutex<byte[], byte[]>> mutexes() {
		synchronized (this.lock) {
			return this.ordered.stream().filter((mutex) -> !mutex.isClosed()).toList();
		}
	}

	@Override
	public MutexStore store() {
		return this.store;
	}

	@Override
	public Mutex.ListenerRegistration forEachMutex(Consumer<? super Mutex<byte[], byte[]>> action) {
		synchronized (this.lock) {
			this.ordered.forEach(action);
			this.creationActions.add(action);
		}
		return () -> {
			synchronized (this.lock) {
				this.creationActions.remove(action);
			}
		};
	}

	/** Guarded by {@link #lock}. */
	private Mutex<byte[], byte[]> create(MutexOptions options) {
		Mutex<byte[], byte[]> mutex = this.decorate.apply(this.store.mutex(options));
		for (Consumer<? super Mutex<byte[], byte[]>> action : this.creationActions) {
			action.accept(mutex);
		}
		this.ordered.add(mutex);
		this.byName.put(options.name(), mutex);
		return mutex;
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			this.running = !this.closed;
		}
	}

	@Override
	public void stop(Runnable callback) {
		closeMutexes().whenComplete((result, ex) -> callback.run());
	}

	@Override
	public void stop() {
		closeMutexes().join();
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.running;
		}
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Closes every mutex if {@link #stop} did not, waiting up to {@link #DESTROY_TIMEOUT} for
	 * their queued operations (the store's own close fails whatever is still queued after
	 * that).
	 */
	@Override
	public void destroy() {
		try {
			closeMutexes().get(DESTROY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Mutexes did not finish their queued operations within " + DESTROY_TIMEOUT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.warn("Closing the mutexes failed", ex.getCause());
		}
	}

	/**
	 * Closes every mutex at once; completes when each has run its queued operations.
	 * @return completes when every mutex is closed (never exceptionally)
	 */
	private CompletableFuture<Void> closeMutexes() {
		List<Mutex<byte[], byte[]>> mutexes;
		synchronized (this.lock) {
			this.closed = true;
			this.running = false;
			mutexes = List.copyOf(this.ordered);
		}
		CompletableFuture<?>[] closing = new CompletableFuture<?>[mutexes.size()];
		for (int i = 0; i < closing.length; i++) {
			Mutex<byte[], byte[]> mutex = mutexes.get(i);
			closing[i] = closeQuietly(mutex);
		}
		return CompletableFuture.allOf(closing);
	}

	private static CompletableFuture<Void> closeQuietly(Mutex<byte[], byte[]> mutex) {
		try {
			return mutex.closeAsync().exceptionally((ex) -> {
				logger.warn("Mutex '" + mutex.name() + "' failed while closing", ex);
				return null;
			});
		}
		catch (RuntimeException ex) {
			logger.warn("Mutex '" + mutex.name() + "' failed while closing", ex);
			return CompletableFuture.completedFuture(null);
		}
	}

	@Override
	public String toString() {
		return "DefaultMutexRegistry[" + this.store + "]";
	}

}
