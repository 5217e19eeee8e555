package io.levelmutex.spring.boot.observation;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import io.levelmutex.BlockingMutex;
import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexOverloadedException;
import io.levelmutex.MutexStats;
import io.levelmutex.UpdateFunction;
import io.levelmutex.WriteConflictException;
import io.levelmutex.codec.Codec;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * A mutex whose {@code update()} calls are observed ({@value MutexObservations#UPDATE}), through its futures
 * and through its {@link #blocking()} view; every other operation goes straight to the delegate.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class ObservedMutex<K, V> implements Mutex<K, V> {

	private static final Observation.Event ATTEMPT = Observation.Event.of(MutexObservations.ATTEMPT,
			"update function ran");

	private final Mutex<K, V> delegate;

	private final ObservationRegistry registry;

	ObservedMutex(Mutex<K, V> delegate, ObservationRegistry registry) {
		this.delegate = delegate;
		this.registry = registry;
	}

	@Override
	public <R> CompletableFuture<R> update(UpdateFunction<K, V, R> function) {
		return observe(function, (observed) -> this.delegate.update(observed));
	}

	@Override
	public <R> CompletableFuture<R> update(UpdateFunction<K, V, R> function, int maxAttempts) {
		return observe(function, (observed) -> this.delegate.update(observed, maxAttempts));
	}

	private <R> CompletableFuture<R> observe(UpdateFunction<K, V, R> function,
			Function<UpdateFunction<K, V, R>, CompletableFuture<R>> call) {
		Observation caller = this.registry.getCurrentObservation();
		Observation observation = startUpdate(caller);
		CompletableFuture<R> issued;
		try {
			issued = call.apply(attempts(observation, function));
		}
		catch (RuntimeException | Error ex) {
			stop(observation, ex);
			throw ex;
		}
		CompletableFuture<R> result = new CompletableFuture<>();
		issued.whenComplete((value, ex) -> {
			stop(observation, ex);
			// dependent actions of the caller's future run here, on the completing thread,
			// with the caller's observation in scope
			Observation.Scope scope = (caller != null) ? caller.openScope() : null;
			try {
				if (ex != null) {
					result.completeExceptionally(ex);
				}
				else {
					result.complete(value);
				}
			}
			finally {
				if (scope != null) {
					scope.close();
				}
			}
		});
		return result;
	}

	/**
	 * The observation of one {@code update()} call: a child of the caller's current observation, started.
	 */
	private Observation startUpdate(@Nullable Observation caller) {
		return Observation.createNotStarted(MutexObservations.UPDATE, this.registry)
			.parentObservation(caller)
			.contextualName("update " + this.delegate.name())
			.lowCardinalityKeyValue("mutex", this.delegate.name())
			.start();
	}

	private static <K, V, R> UpdateFunction<K, V, R> attempts(Observation observation, UpdateFunction<K, V, R> function) {
		return (context) -> {
			observation.event(ATTEMPT);
			return function.apply(context);
		};
	}

	/**
	 * The delegate's blocking view, with its {@code update()} calls observed as this mutex's are (from the call to its
	 * return), so that a blocking write keeps the delegate's fast path (a lone writer's cycle on its own thread).
	 */
	@Override
	public BlockingMutex<K, V> blocking() {
		return new ObservedBlockingMutex(this.delegate.blocking());
	}

	private final class ObservedBlockingMutex implements BlockingMutex<K, V> {

		private final BlockingMutex<K, V> blocking;

		ObservedBlockingMutex(BlockingMutex<K, V> blocking) {
			this.blocking = blocking;
		}

		@Override
		public Mutex<K, V> mutex() {
			return ObservedMutex.this;
		}

		@Override
		public <R> R update(UpdateFunction<K, V, R> function) {
			return observeBlocking(function, (observed) -> this.blocking.update(observed));
		}

		@Override
		public <R> R update(UpdateFunction<K, V, R> function, int maxAttempts) {
			return observeBlocking(function, (observed) -> this.blocking.update(observed, maxAttempts));
		}

		private <R> R observeBlocking(UpdateFunction<K, V, R> function, Function<UpdateFunction<K, V, R>, R> call) {
			Observation observation = startUpdate(ObservedMutex.this.registry.getCurrentObservation());
			R result;
			try {
				result = call.apply(attempts(observation, function));
			}
			catch (RuntimeException | Error ex) {
				stop(observation, ex);
				throw ex;
			}
			stop(observation, null);
			return result;
		}

		@Override
		public Optional<V> get(K key) {
			return this.blocking.get(key);
		}

		@Override
		public <T> Optional<T> get(K key, Codec<T> valueCodec) {
			return this.blocking.get(key, valueCodec);
		}

		@Override
		public void put(K key, V value) {
			this.blocking.put(key, value);
		}

		@Override
		public <T> void put(K key, T value, Codec<T> valueCodec) {
			this.blocking.put(key, value, valueCodec);
		}

		@Override
		public void del(K key) {
			this.blocking.del(key);
		}

		@Override
		public Optional<Entry<K, V>> peekFirst(KeyRange<K> range) {
			return this.blocking.peekFirst(range);
		}

		@Override
		public Optional<Entry<K, V>> peekLast(KeyRange<K> range) {
			return this.blocking.peekLast(range);
		}

		@Override
		public List<Entry<K, V>> scan(KeyRange<K> range, int limit, boolean reverse) {
			return this.blocking.scan(range, limit, reverse);
		}

		@Override
		public void afterWrite() {
			this.blocking.afterWrite();
		}

		@Override
		public String toString() {
			return "Observed[" + this.blocking + "]";
		}

	}

	private static void stop(Observation observation, @Nullable Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		observation.lowCardinalityKeyValue("outcome", outcome(cause));
		if (cause != null) {
			observation.error(cause);
		}
		observation.stop();
	}

	private static String outcome(@Nullable Throwable failure) {
		if (failure == null) {
			return "success";
		}
		if (failure instanceof WriteConflictException) {
			return "conflict";
		}
		if (failure instanceof MutexOverloadedException) {
			return "overloaded";
		}
		return "error";
	}

	@Override
	public String name() {
		return this.delegate.name();
	}

	@Override
	public Keyspace keyspace() {
		return this.delegate.keyspace();
	}

	@Override
	public MutexOptions options() {
		return this.delegate.options();
	}

	@Override
	public Codec<K> keyCodec() {
		return this.delegate.keyCodec();
	}

	@Override
	public Codec<V> valueCodec() {
		return this.delegate.valueCodec();
	}

	@Override
	public <K2, V2> Mutex<K2, V2> withCodecs(Codec<K2> keyCodec, Codec<V2> valueCodec) {
		return new ObservedMutex<>(this.delegate.withCodecs(keyCodec, valueCodec), this.registry);
	}

	@Override
	public CompletableFuture<Optional<V>> get(K key) {
		return this.delegate.get(key);
	}

	@Override
	public <T> CompletableFuture<Optional<T>> get(K key, Codec<T> valueCodec) {
		return this.delegate.get(key, valueCodec);
	}

	@Override
	public CompletableFuture<Void> put(K key, V value) {
		return this.delegate.put(key, value);
	}

	@Override
	public <T> CompletableFuture<Void> put(K key, T value, Codec<T> valueCodec) {
		return this.delegate.put(key, value, valueCodec);
	}

	@Override
	public CompletableFuture<Void> del(K key) {
		return this.delegate.del(key);
	}

	@Override
	public CompletableFuture<Optional<Entry<K, V>>> peekFirst(KeyRange<K> range) {
		return this.delegate.peekFirst(range);
	}

	@Override
	public CompletableFuture<Optional<Entry<K, V>>> peekLast(KeyRange<K> range) {
		return this.delegate.peekLast(range);
	}

	@Override
	public CompletableFuture<List<Entry<K, V>>> scan(KeyRange<K> range, int limit, boolean reverse) {
		return this.delegate.scan(range, limit, reverse);
	}

	@Override
	public CompletableFuture<Void> afterWrite() {
		return this.delegate.afterWrite();
	}

	@Override
	public ListenerRegistration addListener(MutexListener listener) {
		return this.delegate.addListener(listener);
	}

	@Override
	public MutexStats stats() {
		return this.delegate.stats();
	}

	@Override
	public boolean isClosed() {
		return this.delegate.isClosed();
	}

	@Override
	public CompletableFuture<Void> closeAsync() {
		return this.delegate.closeAsync();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public String toString() {
		return "Observed[" + this.delegate + "]";
	}

}
