package io.levelmutex;

import java.util.Objects;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * How one mutex is set up: its name, its keyspace and its limits. Build with
 * {@link #builder(String)}; instances are immutable.
 *
 * <p>Defaults: the keyspace {@link Keyspace#forMutex(String)} (the default column family,
 * keys prefixed by the mutex's name and a zero byte, so that mutexes of different names never
 * overlap), {@value #DEFAULT_MAX_QUEUED_OPERATIONS}
 * queued operations, {@value #DEFAULT_MAX_BATCH_OPERATIONS} operations and
 * {@value #DEFAULT_MAX_BATCH_BYTES} bytes per batch, keys up to
 * {@value #DEFAULT_MAX_KEY_BYTES} bytes, values up to {@value #DEFAULT_MAX_VALUE_BYTES}
 * bytes, one attempt per conditional write, and the store's durability and executor.
 */
public final class MutexOptions {

	/** Default limit of queued operations. */
	public static final int DEFAULT_MAX_QUEUED_OPERATIONS = 65_536;

	/** Default limit of writes per batch. */
	public static final int DEFAULT_MAX_BATCH_OPERATIONS = 8_192;

	/** Default limit of key and value bytes per batch. */
	public static final long DEFAULT_MAX_BATCH_BYTES = 32L * 1024 * 1024;

	/** Default limit of one key's size, prefix excluded. */
	public static final int DEFAULT_MAX_KEY_BYTES = 16 * 1024;

	/** Default limit of one value's size. */
	public static final int DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024;

	private final String name;

	private final Keyspace keyspace;

	private final int maxQueuedOperations;

	private final int maxBatchOperations;

	private final long maxBatchBytes;

	private final int maxKeyBytes;

	private final int maxValueBytes;

	private final int maxUpdateAttempts;

	private final @Nullable Boolean durable;

	private final @Nullable Executor executor;

	private MutexOptions(Builder builder) {
		this.name = builder.name;
		this.keyspace = builder.keyspace;
		this.maxQueuedOperations = builder.maxQueuedOperations;
		this.maxBatchOperations = builder.maxBatchOperations;
		this.maxBatchBytes = builder.maxBatchBytes;
		this.maxKeyBytes = builder.maxKeyBytes;
		this.maxValueBytes = builder.maxValueBytes;
		this.maxUpdateAttempts = builder.maxUpdateAttempts;
		this.durable = builder.durable;
		this.executor = builder.executor;
	}

	/**
	 * Starts options for a mutex.
	 * @param name the mutex's name, unique within its store; not blank
	 * @return a builder with the defaults
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * A builder preset with these options.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder(this.name);
		builder.keyspace = this.keyspace;
		builder.maxQueuedOperations = this.maxQueuedOperations;
		builder.maxBatchOperations = this.maxBatchOperations;
		builder.maxBatchBytes = this.maxBatchBytes;
		builder.maxKeyBytes = this.maxKeyBytes;
		builder.maxValueBytes = this.maxValueBytes;
		builder.maxUpdateAttempts = this.maxUpdateAttempts;
		builder.durable = this.durable;
		builder.executor = this.executor;
		return builder;
	}

	/** @return the mutex's name */
	public String name() {
		return this.name;
	}

	/** @return the keyspace the mutex owns */
	public Keyspace keyspace() {
		return this.keyspace;
	}

	/** @return the most operations (reads and writes) that may wait at once */
	public int maxQueuedOperations() {
		return this.maxQueuedOperations;
	}

	/** @return the most writes in one batch; more go, in order, into the next */
	public int maxBatchOperations() {
		return this.maxBatchOperations;
	}

	/** @return the most key and value bytes in one batch; more go, in order, into the next */
	public long maxBatchBytes() {
		return this.maxBatchBytes;
	}

	/** @return the largest key accepted, in bytes, without the keyspace's prefix */
	public int maxKeyBytes() {
		return this.maxKeyBytes;
	}

	/** @return the largest value accepted, in bytes */
	public int maxValueBytes() {
		return this.maxValueBytes;
	}

	/**
	 * @return how many times the engine may reject an {@link Mutex#update} for a conflict with
	 * another writer before it fails with {@link WriteConflictException}; on the embedded engine
	 * an update never conflicts, so one attempt always suffices
	 */
	public int maxUpdateAttempts() {
		return this.maxUpdateAttempts;
	}

	/** @return whether batches are fsync'd, or {@code null} to follow the store */
	public @Nullable Boolean durable() {
		return this.durable;
	}

	/** @return the executor cycles run on, or {@code null} to use the store's */
	public @Nullable Executor executor() {
		return this.executor;
	}

	@Override
	public String toString() {
		return "MutexOptions[name=" + this.name + ", keyspace=" + this.keyspace + ", maxQueuedOperations="
				+ this.maxQueuedOperations + ", maxBatchOperations=" + this.maxBatchOperations + ", maxBatchBytes="
				+ this.maxBatchBytes + ", maxKeyBytes=" + this.maxKeyBytes + ", maxValueBytes=" + this.maxValueBytes
				+ ", maxUpdateAttempts=" + this.maxUpdateAttempts + ", durable=" + this.durable + "]";
	}

	/** Builds {@link MutexOptions}; every setter checks its argument at once. */
	public static final class Builder {

		private final String name;

		private Keyspace keyspace;

		private int maxQueuedOperations = DEFAULT_MAX_QUEUED_OPERATIONS;

		private int maxBatchOperations = DEFAULT_MAX_BATCH_OPERATIONS;

		private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;

		private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;

		private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

		private int maxUpdateAttempts = 1;

		private @Nullable Boolean durable;

		private @Nullable Executor executor;

		private Builder(String name) {
			Objects.requireNonNull(name, "name");
			if (name.isBlank()) {
				throw new IllegalArgumentException("Mutex name must not be blank");
			}
			if (name.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("Mutex name must not contain a NUL character");
			}
			this.name = name;
			this.keyspace = Keyspace.forMutex(name);
		}

		/**
		 * Sets the keyspace.
		 * @param keyspace the column family and prefix the mutex owns
		 * @return this builder
		 */
		public Builder keyspace(Keyspace keyspace) {
			this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
			return this;
		}

		/**
		 * Sets the queue limit.
		 * @param max at least 1
		 * @return this builder
		 */
		public Builder maxQueuedOperations(int max) {
			this.maxQueuedOperations = positive("maxQueuedOperations", max);
			return this;
		}

		/**
		 * Sets the batch's operation limit. A write phase writes everything queued when it
		 * started in as many batches as the limits need, in issue order, before any new read
		 * phase; each batch is atomic on its own. A single conditional write's unit with more
		 * writes than this still goes, alone, into a batch of its own.
		 * @param max at least 1
		 * @return this builder
		 */
		public Builder maxBatchOperations(int max) {
			this.maxBatchOperations = positive("maxBatchOperations", max);
			return this;
		}

		/**
		 * Sets the batch's byte limit. A single write, or a single conditional write's unit,
		 * larger than this still goes, alone, into a batch of its own.
		 * @param max at least 1
		 * @return this builder
		 */
		public Builder maxBatchBytes(long max) {
			if (max < 1) {
				throw new IllegalArgumentException("maxBatchBytes must be at least 1 but was " + max);
			}
			this.maxBatchBytes = max;
			return this;
		}

		/**
		 * Sets the key size limit.
		 * @param max at least 1
		 * @return this builder
		 */
		public Builder maxKeyBytes(int max) {
			this.maxKeyBytes = positive("maxKeyBytes", max);
			return this;
		}

		/**
		 * Sets the value size limit.
		 * @param max at least 0
		 * @return this builder
		 */
		public Builder maxValueBytes(int max) {
			if (max < 0) {
				throw new IllegalArgumentException("maxValueBytes must not be negative but was " + max);
			}
			this.maxValueBytes = max;
			return this;
		}

		/**
		 * Sets how many times {@link Mutex#update(UpdateFunction)} runs its function before
		 * failing with {@link WriteConflictException}. On the embedded engine an update never
		 * conflicts (it runs in the write phase, in issue order), so one attempt always
		 * suffices; the limit is for engines with writers on other nodes.
		 * @param attempts at least 1
		 * @return this builder
		 */
		public Builder maxUpdateAttempts(int attempts) {
			this.maxUpdateAttempts = positive("maxUpdateAttempts", attempts);
			return this;
		}

		/**
		 * Overrides the store's durability for this mutex.
		 * @param durable whether batches are fsync'd before writes complete; {@code null} to
		 * follow the store
		 * @return this builder
		 */
		public Builder durable(@Nullable Boolean durable) {
			this.durable = durable;
			return this;
		}

		/**
		 * Runs this mutex's cycles on the given executor instead of the store's.
		 * @param executor the executor; {@code null} to use the store's
		 * @return this builder
		 */
		public Builder executor(@Nullable Executor executor) {
			this.executor = executor;
			return this;
		}

		/**
		 * Builds the options.
		 * @return the options
		 */
		public MutexOptions build() {
			return new MutexOptions(this);
		}

		private static int positive(String what, int value) {
			if (value < 1) {
				throw new IllegalArgumentException(what + " must be at least 1 but was " + value);
			}
			return value;
		}

	}

}
