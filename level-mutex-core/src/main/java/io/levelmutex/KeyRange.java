package io.levelmutex;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A range of keys for {@link Mutex#peekFirst(KeyRange)} and {@link Mutex#peekLast(KeyRange)},
 * the counterpart of level-mutex's {@code start}/{@code end} options (which are inclusive,
 * as in {@link #closed}). Either bound may be absent (unbounded) and each may be inclusive or
 * exclusive. A range whose start lies after its end is empty: peeks in it find nothing.
 *
 * <p>Instances are immutable.
 *
 * @param <K> the key type
 */
public final class KeyRange<K> {

	private static final KeyRange<?> ALL = new KeyRange<>(null, false, null, false);

	private final @Nullable K start;

	private final boolean startInclusive;

	private final @Nullable K end;

	private final boolean endInclusive;

	private KeyRange(@Nullable K start, boolean startInclusive, @Nullable K end, boolean endInclusive) {
		this.start = start;
		this.startInclusive = startInclusive;
		this.end = end;
		this.endInclusive = endInclusive;
	}

	/**
	 * Every key of the keyspace.
	 * @param <K> the key type
	 * @return the unbounded range
	 */
	@SuppressWarnings("unchecked")
	public static <K> KeyRange<K> all() {
		return (KeyRange<K>) ALL;
	}

	/**
	 * Keys from {@code start} to {@code end}, both included (level-mutex's {@code start}/{@code end}).
	 * @param <K> the key type
	 * @param start the first key
	 * @param end the last key
	 * @return the range
	 */
	public static <K> KeyRange<K> closed(K start, K end) {
		return new KeyRange<>(req(start), true, req(end), true);
	}

	/**
	 * Keys from {@code start} (included) to {@code end} (excluded).
	 * @param <K> the key type
	 * @param start the first key
	 * @param end the bound, excluded
	 * @return the range
	 */
	public static <K> KeyRange<K> closedOpen(K start, K end) {
		return new KeyRange<>(req(start), true, req(end), false);
	}

	/**
	 * Keys at or after {@code start} (level-mutex's {@code start}, or {@code gte}).
	 * @param <K> the key type
	 * @param start the first key
	 * @return the range
	 */
	public static <K> KeyRange<K> atLeast(K start) {
		return new KeyRange<>(req(start), true, null, false);
	}

	/**
	 * Keys after {@code start} ({@code gt}).
	 * @param <K> the key type
	 * @param start the bound, excluded
	 * @return the range
	 */
	public static <K> KeyRange<K> greaterThan(K start) {
		return new KeyRange<>(req(start), false, null, false);
	}

	/**
	 * Keys at or before {@code end} (level-mutex's {@code end}, or {@code lte}).
	 * @param <K> the key type
	 * @param end the last key
	 * @return the range
	 */
	public static <K> KeyRange<K> atMost(K end) {
		return new KeyRange<>(null, false, req(end), true);
	}

	/**
	 * Keys before {@code end} ({@code lt}).
	 * @param <K> the key type
	 * @param end the bound, excluded
	 * @return the range
	 */
	public static <K> KeyRange<K> lessThan(K end) {
		return new KeyRange<>(null, false, req(end), false);
	}

	/**
	 * Every key starting with {@code prefix}, for byte-array keys.
	 * @param prefix the prefix; must not be empty
	 * @return the range
	 */
	public static KeyRange<byte[]> prefixedBy(byte[] prefix) {
		byte[] upper = KeyBytes.successor(prefix);
		return (upper != null) ? closedOpen(prefix, upper) : atLeast(prefix);
	}

	/**
	 * This range with a different start.
	 * @param start the new start
	 * @param inclusive whether the start is included
	 * @return a new range
	 */
	public KeyRange<K> withStart(K start, boolean inclusive) {
		return new KeyRange<>(req(start), inclusive, this.end, this.endInclusive);
	}

	/**
	 * This range with a different end.
	 * @param end the new end
	 * @param inclusive whether the end is included
	 * @return a new range
	 */
	public KeyRange<K> withEnd(K end, boolean inclusive) {
		return new KeyRange<>(this.start, this.startInclusive, req(end), inclusive);
	}

	/**
	 * The lower bound.
	 * @return the start, or {@code null} when unbounded
	 */
	public @Nullable K start() {
		return this.start;
	}

	/**
	 * Whether the start is included.
	 * @return {@code true} if a key equal to the start is in the range
	 */
	public boolean startInclusive() {
		return this.startInclusive;
	}

	/**
	 * The upper bound.
	 * @return the end, or {@code null} when unbounded
	 */
	public @Nullable K end() {
		return this.end;
	}

	/**
	 * Whether the end is included.
	 * @return {@code true} if a key equal to the end is in the range
	 */
	public boolean endInclusive() {
		return this.endInclusive;
	}

	private static <K> K req(K key) {
		return Objects.requireNonNull(key, "range bound");
	}

	@Override
	public String toString() {
		return (this.start == null ? "(-inf" : (this.startInclusive ? "[" : "(") + this.start) + ", "
				+ (this.end == null ? "+inf)" : this.end + (this.endInclusive ? "]" : ")"));
	}

}
