package io.levelmutex;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import io.levelmutex.engine.KeyFormat;

/**
 * Where a mutex keeps its keys: a RocksDB column family plus an optional key prefix.
 *
 * <p>Keys given to and returned by a mutex are relative to its keyspace: the prefix is added
 * on the way in and removed on the way out, and no read or range read ever leaves it. Two
 * keyspaces overlap when they share a column family and one prefix starts with the other (an
 * empty prefix overlaps every prefix); a store refuses to hand out mutexes with overlapping
 * keyspaces.
 *
 * <p>Instances are immutable.
 */
public final class Keyspace {

	/** The name of the default column family, {@code "default"} (RocksDB's name for it). */
	public static final String DEFAULT_COLUMN_FAMILY = "default";

	private static final byte[] NO_PREFIX = new byte[0];

	private final String columnFamily;

	private final byte[] prefix;

	private Keyspace(String columnFamily, byte[] prefix) {
		if (columnFamily.isEmpty()) {
			throw new IllegalArgumentException("Column family name must not be empty");
		}
		this.columnFamily = columnFamily;
		this.prefix = prefix;
	}

	/**
	 * The whole default column family.
	 * @return the keyspace
	 */
	public static Keyspace defaultColumnFamily() {
		return new Keyspace(DEFAULT_COLUMN_FAMILY, NO_PREFIX);
	}

	/**
	 * The default keyspace of a mutex named {@code mutexName}: the default column family,
	 * keys prefixed by the name's UTF-8 bytes and a zero byte. Mutex names contain no NUL
	 * character, so two different names never give overlapping keyspaces (the prefix of
	 * {@code "a"} is not a prefix of {@code "a/b"}'s).
	 * @param mutexName the mutex's name
	 * @return the keyspace
	 */
	public static Keyspace forMutex(String mutexName) {
		byte[] name = mutexName.getBytes(StandardCharsets.UTF_8);
		byte[] prefix = Arrays.copyOf(name, name.length + 1);
		return new Keyspace(DEFAULT_COLUMN_FAMILY, prefix);
	}

	/**
	 * The whole of one column family; the store creates it if it is missing.
	 * @param columnFamily the column family's name
	 * @return the keyspace
	 */
	public static Keyspace columnFamily(String columnFamily) {
		return new Keyspace(Objects.requireNonNull(columnFamily, "columnFamily"), NO_PREFIX);
	}

	/**
	 * This keyspace narrowed to keys starting with a UTF-8 prefix.
	 * @param prefix the prefix; empty for none
	 * @return a new keyspace
	 */
	public Keyspace withPrefix(String prefix) {
		return withPrefix(prefix.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * This keyspace narrowed to keys starting with a prefix.
	 * @param prefix the prefix's bytes (copied); empty for none
	 * @return a new keyspace
	 */
	public Keyspace withPrefix(byte[] prefix) {
		return new Keyspace(this.columnFamily, prefix.clone());
	}

	/**
	 * The column family.
	 * @return its name
	 */
	public String columnFamily() {
		return this.columnFamily;
	}

	/**
	 * The key prefix.
	 * @return a copy of the prefix, empty when there is none
	 */
	public byte[] prefix() {
		return this.prefix.clone();
	}

	byte[] prefixBytes() {
		return this.prefix;
	}

	/**
	 * Whether any key could belong to both keyspaces.
	 * @param other another keyspace
	 * @return {@code true} if they share a column family and one prefix starts with the other
	 */
	public boolean overlaps(Keyspace other) {
		if (!this.columnFamily.equals(other.columnFamily)) {
			return false;
		}
		int common = Math.min(this.prefix.length, other.prefix.length);
		return Arrays.equals(this.prefix, 0, common, other.prefix, 0, common);
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof Keyspace other) && this.columnFamily.equals(other.columnFamily)
				&& Arrays.equals(this.prefix, other.prefix);
	}

	@Override
	public int hashCode() {
		return 31 * this.columnFamily.hashCode() + Arrays.hashCode(this.prefix);
	}

	/**
	 * A readable form, e.g. {@code default/"orders:"}.
	 * @return the column family and the prefix
	 */
	@Override
	public String toString() {
		return this.columnFamily + "/" + KeyFormat.abbreviate(this.prefix);
	}

}
