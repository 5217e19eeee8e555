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

	/**
	 * {@link #size()}, counted here, where the caller has just encoded the arrays: the write phase asks for it twice
	 * per write while it builds a batch, when the arrays' headers are often no longer in the processor's cache (a
	 * miss per write; the int fits the object's alignment padding).
	 */
	private final int size;

	WriteOperation(Type type, byte[] key, byte[] storedKey, byte @Nullable [] value) {
		this.type = type;
		this.key = key;
		this.storedKey = storedKey;
		this.value = value;
		this.size = storedKey.length + ((value != null) ? value.length : 0);
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
		return this.size;
	}

	@Override
	public String toString() {
		return this.type + " " + KeyFormat.abbreviate(this.key);
	}

}
