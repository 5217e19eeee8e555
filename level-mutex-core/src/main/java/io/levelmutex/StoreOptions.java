package io.levelmutex;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link MutexStore} runs its mutexes, on any engine: the cycle pool or executor, the close timeout, the
 * batch interceptor, and the durability of mutexes that do not set their own. Engine settings (a RocksDB
 * directory, a PostgreSQL DataSource) belong to the engine module's builder, e.g. {@code RocksStore.builder(path)}
 * in {@code level-mutex-rocksdb} or {@code PostgresStore.builder(dataSource)} in {@code level-mutex-postgres},
 * which take these options through their {@code storeOptions(..)}. Instances are immutable.
 *
 * <p>Defaults: durable writes, and a store-owned pool of {@link #DEFAULT_CYCLE_THREADS} daemon threads shared by
 * all of the store's mutexes.
 */
public final class StoreOptions {

	/**
	 * Default size of the store's shared cycle pool: four per processor, at least 8. Threads are started on
	 * demand. A cycle waiting in a blocking call that its engine runs through
	 * {@link io.levelmutex.engine.BlockingCalls} (the embedded RocksDB engine's durable, fsync'd writes) does not
	 * count against the size: the store-owned pool runs another cycle meanwhile (up to 256 extra threads at once,
	 * ended after 30 s idle), so that the synced writes of many busy mutexes arrive together and RocksDB joins them
	 * into one WAL sync. Other waits count.
	 */
	public static final int DEFAULT_CYCLE_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

	private final boolean durable;

	private final int cycleThreads;

	private final @Nullable Executor executor;

	private final @Nullable BatchInterceptor batchInterceptor;

	private final Duration closeTimeout;

	private StoreOptions(Builder builder) {
		this.closeTimeout = builder.closeTimeout;
		this.durable = builder.durable;
		this.cycleThreads = builder.cycleThreads;
		this.executor = builder.executor;
		this.batchInterceptor = builder.batchInterceptor;
	}

	/**
	 * Starts options, for an engine module's builder ({@code RocksStore.builder(path).storeOptions(..)},
	 * {@code PostgresStore.builder(dataSource).storeOptions(..)}) or for
	 * {@link MutexStore#open(io.levelmutex.engine.StorageEngine, StoreOptions)}.
	 * @return a builder with the defaults
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Whether a mutex's batches are durable before its writes complete, unless the mutex sets its own
	 * ({@link MutexOptions#durable()}). The store passes it to the engine for each mutex it opens; an engine that
	 * is always durable (PostgreSQL) ignores {@code false}.
	 * @return the store's default durability
	 */
	public boolean durable() {
		return this.durable;
	}

	/** @return the size of the store-owned cycle pool, when no executor is given */
	public int cycleThreads() {
		return this.cycleThreads;
	}

	/** @return the executor mutex cycles run on, or {@code null} for a store-owned pool */
	public @Nullable Executor executor() {
		return this.executor;
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

	/** Builds {@link StoreOptions}; every setter checks its argument at once. */
	public static final class Builder {

		private boolean durable = true;

		private int cycleThreads = DEFAULT_CYCLE_THREADS;

		private @Nullable Executor executor;

		private @Nullable BatchInterceptor batchInterceptor;

		private Duration closeTimeout = Duration.ofSeconds(30);

		private Builder() {
		}

		/**
		 * Sets whether the batches of mutexes that do not set their own durability
		 * ({@link MutexOptions.Builder#durable(Boolean)}) are durable before their writes complete (default
		 * {@code true}). The store passes it to the engine for each mutex. On the embedded RocksDB engine, off
		 * means a write survives a process crash but may be lost when the machine loses power (the write-ahead
		 * log is not fsync'd); batching keeps durable writes cheap. An engine that is always durable (PostgreSQL)
		 * ignores {@code false}.
		 * @param durable whether writes are durable
		 * @return this builder
		 */
		public Builder durable(boolean durable) {
			this.durable = durable;
			return this;
		}

		/**
		 * Sets the size of the store-owned cycle pool: how many mutexes' cycles run at once, not
		 * counting those waiting in a blocking call of their engine (the pool runs another cycle for
		 * each of those, up to 256 extra: see {@link #DEFAULT_CYCLE_THREADS}).
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
		 * Sets an interceptor called before every batch of every mutex; if it throws, the
		 * batch fails as if the engine had failed it.
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
		 * nothing more; the engine is closed once no phase uses it.
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
		 * Builds the options.
		 * @return the options
		 */
		public StoreOptions build() {
			return new StoreOptions(this);
		}

	}

}
