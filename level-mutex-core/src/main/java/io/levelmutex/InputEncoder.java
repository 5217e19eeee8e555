package io.levelmutex;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;
import io.levelmutex.engine.KeyFormat;
import io.levelmutex.engine.KeySpan;

/**
 * The encoding of one mutex's input: keys, values and range bounds, through their codecs, into the
 * bytes the storage keeps (the keyspace's prefix prepended), held to the key and value limits. Bad
 * input fails here, at the call, with an {@link InvalidInputException} that names the mutex, the
 * key (abbreviated) and the limit.
 *
 * <p>The limits are the smaller of the mutex's options and the storage engine's (whose key limit
 * includes the prefix). Immutable; used from any thread.
 */
final class InputEncoder {

	private final String mutexName;

	/** The keyspace's prefix, prepended to every stored key; shared with the storage, not modified. */
	private final byte[] prefix;

	/** The largest key (without prefix) and value accepted: the smaller of the mutex's and the engine's limit. */
	private final int maxKeyBytes;

	private final int maxValueBytes;

	/** Whether the engine's limit, not the mutex's option, is the binding one. */
	private final boolean engineKeyLimit;

	private final boolean engineValueLimit;

	/**
	 * @param mutexName the mutex's name, for messages
	 * @param prefix the keyspace's prefix
	 * @param options the mutex's options (its key and value limits)
	 * @param engineMaxKeyBytes the engine's key limit, prefix included
	 * @param engineMaxValueBytes the engine's value limit
	 */
	InputEncoder(String mutexName, byte[] prefix, MutexOptions options, int engineMaxKeyBytes,
			int engineMaxValueBytes) {
		this.mutexName = mutexName;
		this.prefix = prefix;
		int engineKeys = Math.max(0, engineMaxKeyBytes - prefix.length);
		this.engineKeyLimit = engineKeys < options.maxKeyBytes();
		this.maxKeyBytes = Math.min(options.maxKeyBytes(), engineKeys);
		this.engineValueLimit = engineMaxValueBytes < options.maxValueBytes();
		this.maxValueBytes = Math.min(options.maxValueBytes(), engineMaxValueBytes);
	}

	/**
	 * A key's bytes, without the prefix.
	 * @throws InvalidInputException if the key is null, encodes to nothing, or is over the key limit
	 */
	<K> byte[] encodeKey(Codec<K> codec, @Nullable K key) {
		if (key == null) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': key must not be null");
		}
		byte[] bytes = codec.encode(key);
		if (bytes == null || bytes.length == 0) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': key must not be empty");
		}
		if (bytes.length > this.maxKeyBytes) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': key " + KeyFormat.abbreviate(bytes)
					+ " is " + bytes.length + " bytes, over the limit of " + this.maxKeyBytes + " bytes ("
					+ keyLimitName() + ")");
		}
		return bytes;
	}

	/**
	 * A put of a key and a value.
	 * @throws InvalidInputException if the key is invalid, the value is null (or encodes to null), or the
	 * value is over the value limit
	 */
	<K, T> WriteOperation putOperation(Codec<K> keyCodec, @Nullable K key, Codec<T> valueCodec, @Nullable T value) {
		byte[] keyBytes = encodeKey(keyCodec, key);
		if (value == null) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': value for key "
					+ KeyFormat.abbreviate(keyBytes) + " must not be null (use del to remove a key)");
		}
		byte[] valueBytes = valueCodec.encode(value);
		if (valueBytes == null) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': codec " + valueCodec.name()
					+ " encoded the value for key " + KeyFormat.abbreviate(keyBytes) + " as null");
		}
		if (valueBytes.length > this.maxValueBytes) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': value for key "
					+ KeyFormat.abbreviate(keyBytes) + " is " + valueBytes.length + " bytes, over the limit of "
					+ this.maxValueBytes + " bytes ("
					+ (this.engineValueLimit ? "the storage engine's value limit" : "max-value-size") + ")");
		}
		return new WriteOperation(WriteOperation.Type.PUT, keyBytes, storedKey(keyBytes), valueBytes);
	}

	/**
	 * A delete of a key.
	 * @throws InvalidInputException if the key is invalid
	 */
	<K> WriteOperation delOperation(Codec<K> keyCodec, @Nullable K key) {
		byte[] keyBytes = encodeKey(keyCodec, key);
		return new WriteOperation(WriteOperation.Type.DEL, keyBytes, storedKey(keyBytes), null);
	}

	/**
	 * A key range as stored (prefix included, never leaving the keyspace).
	 * @throws InvalidInputException if the range is null, or a bound encodes to null or is over the key limit
	 */
	<K> KeySpan storedSpan(Codec<K> keyCodec, @Nullable KeyRange<K> range) {
		if (range == null) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': range must not be null");
		}
		K start = range.start();
		K end = range.end();
		return span(this.prefix, (start != null) ? encodeBound(keyCodec, start, "start") : null,
				range.startInclusive(), (end != null) ? encodeBound(keyCodec, end, "end") : null, range.endInclusive());
	}

	/**
	 * Translates a range of encoded relative keys into stored keys: {@code [lower, upper)} with the keyspace's
	 * prefix applied, so that it never leaves the keyspace. {@code upper == null} means "to the end of the column
	 * family", which only happens when the prefix has no successor. A range whose start lies after its end is
	 * normalized to an empty one ({@code lower == upper}), so that no consumer ever sees {@code lower > upper}.
	 * Keys equal to the bare prefix (an empty relative key) are never part of a range: a mutex refuses empty
	 * keys.
	 */
	static KeySpan span(byte[] prefix, byte @Nullable [] start, boolean startInclusive, byte @Nullable [] end,
			boolean endInclusive) {
		byte[] lower;
		if (start == null) {
			lower = KeyBytes.next(prefix);
		}
		else {
			byte[] stored = KeyBytes.concat(prefix, start);
			lower = startInclusive ? stored : KeyBytes.next(stored);
		}
		byte[] upper;
		if (end == null) {
			upper = KeyBytes.successor(prefix);
		}
		else {
			byte[] stored = KeyBytes.concat(prefix, end);
			upper = endInclusive ? KeyBytes.next(stored) : stored;
		}
		if (upper != null && KeyBytes.compare(lower, upper) > 0) {
			upper = lower; // an inverted range (start after end) is empty, never an error
		}
		return new KeySpan(lower, upper);
	}

	/** A range bound, held to the key limit; an empty bound is allowed (it sorts before every key). */
	private <K> byte[] encodeBound(Codec<K> codec, K bound, String which) {
		byte[] bytes = codec.encode(bound);
		if (bytes == null) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': codec " + codec.name()
					+ " encoded the range " + which
					+ " as null (a null bound would widen the range to the whole keyspace)");
		}
		if (bytes.length > this.maxKeyBytes) {
			throw new InvalidInputException("Mutex '" + this.mutexName + "': range " + which + " "
					+ KeyFormat.abbreviate(bytes) + " is " + bytes.length + " bytes, over the limit of "
					+ this.maxKeyBytes + " bytes (" + keyLimitName() + ")");
		}
		return bytes;
	}

	private String keyLimitName() {
		return this.engineKeyLimit ? "the storage engine's key limit, keyspace prefix excluded" : "max-key-size";
	}

	/** A key (without prefix) as stored: the prefix, then the key. */
	byte[] storedKey(byte[] key) {
		return KeyBytes.concat(this.prefix, key);
	}

}
