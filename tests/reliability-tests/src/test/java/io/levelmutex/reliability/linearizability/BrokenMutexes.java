package io.levelmutex.reliability.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;
import io.levelmutex.UpdateContext;
import io.levelmutex.UpdateFunction;
import io.levelmutex.codec.Codec;

/**
 * Deliberately broken mutexes, each making a mistake the real one must not make, so that the
 * checkers are shown to catch it.
 */
public final class BrokenMutexes {

	private BrokenMutexes() {
	}

	/**
	 * Conditional writes without the conflict check: the function reads through ordinary
	 * gets and its writes go out as plain puts later, so writes of others overtake the
	 * read-then-write unit (the lost update the original level-mutex leaves its users to get
	 * wrong).
	 * @param mutex the real mutex
	 * @return the broken mutex
	 */
	public static Mutex<String, String> uncheckedUpdates(Mutex<String, String> mutex) {
		return new ForwardingMutex<>(mutex) {
			@Override
			public <R> CompletableFuture<R> update(UpdateFunction<String, String, R> function, int maxAttempts) {
				return CompletableFuture.supplyAsync(() -> {
					RecordingContext context = new RecordingContext(this.delegate);
					try {
						R result = function.apply(context);
						context.flush().join();
						return result;
					}
					catch (Exception ex) {
						throw new CompletionException(ex);
					}
				}, ForkJoinPool.commonPool());
			}
		};
	}

	/**
	 * Writes acknowledged before they are applied: {@code put} and {@code del} complete at
	 * once, so a read issued after the acknowledgement may not see the write.
	 * @param mutex the real mutex
	 * @return the broken mutex
	 */
	static Mutex<String, String> earlyAcknowledgements(Mutex<String, String> mutex) {
		return new ForwardingMutex<>(mutex) {
			@Override
			public CompletableFuture<Void> put(String key, String value) {
				this.delegate.put(key, value);
				return CompletableFuture.completedFuture(null);
			}

			@Override
			public CompletableFuture<Void> del(String key) {
				this.delegate.del(key);
				return CompletableFuture.completedFuture(null);
			}
		};
	}

	/**
	 * Read results handed to another thread before they are delivered, so that a write
	 * issued from a read's callback no longer joins the next batch: another phase can come
	 * between the read and the write.
	 * @param mutex the real mutex
	 * @param executor where results are delivered
	 * @return the broken mutex
	 */
	static Mutex<String, String> asyncDelivery(Mutex<String, String> mutex, Executor executor) {
		return new ForwardingMutex<>(mutex) {
			@Override
			public CompletableFuture<Optional<String>> get(String key) {
				return this.delegate.get(key).thenApplyAsync((value) -> value, executor);
			}

			@Override
			public <T> CompletableFuture<Optional<T>> get(String key, Codec<T> valueCodec) {
				return this.delegate.get(key, valueCodec).thenApplyAsync((value) -> value, executor);
			}
		};
	}

	/** Reads through blocking gets of the real mutex and records writes for later. */
	private static final class RecordingContext implements UpdateContext<String, String> {

		private final Mutex<String, String> mutex;

		// Only used by the thread running the function.
		private final List<Runnable> writes = new ArrayList<>();

		// Only used by the thread running the function.
		private final List<CompletableFuture<Void>> issued = new ArrayList<>();

		RecordingContext(Mutex<String, String> mutex) {
			this.mutex = mutex;
		}

		@Override
		public Optional<String> get(String key) {
			return this.mutex.get(key).join();
		}

		@Override
		public <T> Optional<T> get(String key, Codec<T> valueCodec) {
			return this.mutex.get(key, valueCodec).join();
		}

		@Override
		public Optional<Entry<String, String>> peekFirst(KeyRange<String> range) {
			return this.mutex.peekFirst(range).join();
		}

		@Override
		public Optional<Entry<String, String>> peekLast(KeyRange<String> range) {
			return this.mutex.peekLast(range).join();
		}

		@Override
		public void put(String key, String value) {
			this.writes.add(() -> this.issued.add(this.mutex.put(key, value)));
		}

		@Override
		public <T> void put(String key, T value, Codec<T> valueCodec) {
			this.writes.add(() -> this.issued.add(this.mutex.put(key, value, valueCodec)));
		}

		@Override
		public void del(String key) {
			this.writes.add(() -> this.issued.add(this.mutex.del(key)));
		}

		@Override
		public int attempt() {
			return 1;
		}

		CompletableFuture<Void> flush() {
			this.writes.forEach(Runnable::run);
			return CompletableFuture.allOf(this.issued.toArray(CompletableFuture[]::new));
		}

	}

}
