package io.levelmutex;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeyFormat;

/**
 * One write of a batch, as the {@code writes} and {@code flushed} events show it: a put or a
 * delete of a key relative to the mutex's keyspace.
 *
 * <p>The arrays are shared with the batch, not copied: listeners must not modify them.
 */
public final class WriteOperation {

	/** The kind of write. */
	public enum Type {

		/** Store a value under a key. */
		PUT,

		/** Remove a key. */
		DEL

	}

	private final Type type;

	private final byte[] key;

	private final byte @Nullable [] value;

	/** The key with the keyspace's prefix, as RocksDB stores it. */
	final byte[] storedKey;

	WriteOperation(Type type, byte[] key, byte[] storedKey, byte @Nullable [] value) {
		this.type = type;
		this.key = key;
		this.storedKey = storedKey;
		this.value = value;
	}

	/**
	 * Whether this is a put or a delete.
	 * @return the type
	 */
	public Type type() {
		return this.type;
	}

	/**
	 * The key, relative to the keyspace (shared, do not modify).
	 * @return the key's bytes
	 */
	public byte[] key() {
		return this.key;
	}

	/**
	 * The value of a put (shared, do not modify).
	 * @return the value's bytes, or {@code null} for a delete
	 */
	public byte @Nullable [] value() {
		return this.value;
	}

	/**
	 * The bytes this write adds to a batch: stored key (prefix included) plus value.
	 * @return the size in bytes
	 */
	public int size() {
		return this.storedKey.length + ((this.value != null) ? this.value.length : 0);
	}

	@Override
	public String toString() {
		return this.type + " " + KeyFormat.abbreviate(this.key);
	}

}
