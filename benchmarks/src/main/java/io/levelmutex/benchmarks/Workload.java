package io.levelmutex.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A deterministic, seeded workload: the same keys, values and operation mix for every
 * contender. Client {@code i} of a run always draws the same sequence, whoever executes it.
 *
 * <p>Immutable and shared by all clients; each client draws from its own {@link Stream}.
 */
public final class Workload {

	/** Size of every value written, in bytes. */
	public static final int VALUE_BYTES = 100;

	private static final int VALUE_POOL = 4096;

	private final Kind kind;

	private final int keyCount;

	private final long seed;

	private final byte[][] keys;

	private final byte[][] values;

	private Workload(Kind kind, int keyCount, long seed) {
		this.kind = kind;
		this.keyCount = keyCount;
		this.seed = seed;
		this.keys = new byte[keyCount][];
		for (int i = 0; i < keyCount; i++) {
			this.keys[i] = key(i);
		}
		SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
		this.values = new byte[VALUE_POOL][];
		for (int i = 0; i < VALUE_POOL; i++) {
			byte[] value = new byte[VALUE_BYTES];
			random.nextBytes(value);
			this.values[i] = value;
		}
	}

	/**
	 * W1: blind puts of 100-byte values into {@code keyCount} keys.
	 * @param keyCount the keyspace's size
	 * @param seed the seed
	 * @return the workload
	 */
	public static Workload blindWrites(int keyCount, long seed) {
		return new Workload(Kind.BLIND_WRITE, keyCount, seed);
	}

	/**
	 * W2: read the key's revision, check it, write the next revision (the couchup pattern).
	 * @param keyCount the keyspace's size (smaller is more contended)
	 * @param seed the seed
	 * @return the workload
	 */
	public static Workload readCheckWrite(int keyCount, long seed) {
		return new Workload(Kind.READ_CHECK_WRITE, keyCount, seed);
	}

	/**
	 * W3: 90% gets, 10% puts over preloaded keys.
	 * @param keyCount the keyspace's size
	 * @param seed the seed
	 * @return the workload
	 */
	public static Workload mixed(int keyCount, long seed) {
		return new Workload(Kind.MIXED, keyCount, seed);
	}

	/** @return what the workload does */
	public Kind kind() {
		return this.kind;
	}

	/** @return the keyspace's size */
	public int keyCount() {
		return this.keyCount;
	}

	/**
	 * A key of the keyspace.
	 * @param index from 0 to {@link #keyCount()} - 1
	 * @return the key (shared: do not modify)
	 */
	public byte[] keyAt(int index) {
		return this.keys[index];
	}

	/**
	 * The value preloaded under a key before W2 and W3 start: revision 0 and filler.
	 * @param index the key's index
	 * @return a new 100-byte value
	 */
	public byte[] initialValue(int index) {
		return Revisions.withRevision(0, this.values[index % VALUE_POOL]);
	}

	/**
	 * The operation stream of one client.
	 * @param client the client's index
	 * @return a new stream, independent of every other client's
	 */
	public Stream stream(int client) {
		return new Stream(new SplittableRandom(this.seed * 1_000_003L + client));
	}

	/**
	 * The key at an index: {@code key} and the index in eight digits, ASCII.
	 * @param index the index
	 * @return a new array
	 */
	public static byte[] key(int index) {
		return String.format("key%08d", index).getBytes(StandardCharsets.US_ASCII);
	}

	/** What a workload does. */
	public enum Kind {

		/** Puts only. */
		BLIND_WRITE,

		/** Conditional increments of a revision. */
		READ_CHECK_WRITE,

		/** 90% gets, 10% puts. */
		MIXED

	}

	/** The kind of one operation. */
	public enum OpType {

		/** Read one key. */
		GET,

		/** Write one key. */
		PUT,

		/** Read a key's revision, check it and write the next one, atomically. */
		UPDATE

	}

	/**
	 * One client's sequence of operations; owned by that client (not thread-safe). The
	 * current operation's fields are valid until the next call to {@link #next()}.
	 */
	public final class Stream {

		private final SplittableRandom random;

		private OpType type = OpType.GET;

		private int keyIndex;

		private byte[] value = Workload.this.values[0];

		Stream(SplittableRandom random) {
			this.random = random;
		}

		/**
		 * Draws the next operation.
		 * @return this stream, positioned on the new operation
		 */
		public Stream next() {
			this.keyIndex = this.random.nextInt(Workload.this.keyCount);
			switch (Workload.this.kind) {
				case BLIND_WRITE -> {
					this.type = OpType.PUT;
					this.value = Workload.this.values[this.random.nextInt(VALUE_POOL)];
				}
				case READ_CHECK_WRITE -> {
					this.type = OpType.UPDATE;
					this.value = Workload.this.values[this.random.nextInt(VALUE_POOL)];
				}
				case MIXED -> {
					boolean put = this.random.nextInt(10) == 0;
					this.type = put ? OpType.PUT : OpType.GET;
					this.value = Workload.this.values[this.random.nextInt(VALUE_POOL)];
				}
			}
			return this;
		}

		/** @return the current operation's kind */
		public OpType type() {
			return this.type;
		}

		/** @return the current operation's key index */
		public int keyIndex() {
			return this.keyIndex;
		}

		/** @return the current operation's key (shared: do not modify) */
		public byte[] key() {
			return Workload.this.keys[this.keyIndex];
		}

		/** @return the value of a put; for an update, the filler of the next revision */
		public byte[] value() {
			return this.value;
		}

	}

	/** The revision stored in the first 8 bytes of a W2 value. */
	public static final class Revisions {

		private Revisions() {
		}

		/**
		 * The revision in a value.
		 * @param value a W2 value
		 * @return its first 8 bytes, big-endian
		 */
		public static long of(byte[] value) {
			return ByteBuffer.wrap(value).getLong(0);
		}

		/**
		 * A value holding a revision.
		 * @param revision the revision
		 * @param filler the value to copy (at least 8 bytes)
		 * @return a copy of {@code filler} with the revision in its first 8 bytes
		 */
		public static byte[] withRevision(long revision, byte[] filler) {
			byte[] value = filler.clone();
			ByteBuffer.wrap(value).putLong(0, revision);
			return value;
		}

	}

}
