package io.levelmutex.rocksdb;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.EngineBatch;

/**
 * Batches in RocksDB's serialized {@code WriteBatch} format (its {@code rep_}, see {@code db/write_batch.cc}), so
 * that a whole batch enters the native side in ONE call ({@code new WriteBatch(byte[])}) instead of one
 * {@code WriteBatch.put} per entry (issue 22: 0.1-0.2 us of JNI per entry against 0.02 us for this). The format:
 * a 12-byte header (sequence, fixed64, zero: RocksDB sets it at the write; count of records, fixed32 little
 * endian), then per record a tag, for a column family other than the default one ({@code id != 0}) followed by
 * the family's id as varint32 ({@code 0x05} put, {@code 0x04} delete; {@code 0x01} and {@code 0x00} in the
 * default family), then the key as varint32 length and bytes, and for a put the value likewise. This is the
 * format of RocksDB's write-ahead log, stable across its releases; {@code SerializedBatchTest} checks it byte for
 * byte against {@code WriteBatch.data()} of the same operations added one by one.
 *
 * <p>Stateless; any thread.
 */
final class SerializedBatch {

	/**
	 * The system property that turns the serialized fill on ({@code true}; off by default: per-entry native puts);
	 * for the A/B in one JVM, not a supported setting. Off because on the shared machine it was not shown to use
	 * less CPU per write (series-ae/w1cpu: 23 of 55 alternated pairs lower) while it certainly allocates the
	 * batch's bytes once more per batch (JMH: 212 against 97 bytes per write at 225 writes per batch).
	 */
	static final String PROPERTY = "io.levelmutex.rocksdb.serializedBatches";

	/**
	 * The fewest operations a mutex's own commit serializes: below this a few native puts cost no more than making
	 * and closing a batch from bytes, and fill the storage's reused native batch without allocating a byte array
	 * (at one client every put is its own batch: 180 bytes per put more in JMH {@code -prof gc} when serialized).
	 */
	static final int MIN_OPERATIONS = 4;

	/** The header: sequence (8 bytes) and count (4 bytes). */
	static final int HEADER = 12;

	/** The largest byte array this makes (a Java array's practical limit); larger batches are filled per entry. */
	static final int MAX_BYTES = Integer.MAX_VALUE - 8;

	private static final byte TYPE_DELETION = 0x00;

	private static final byte TYPE_VALUE = 0x01;

	private static final byte TYPE_CF_DELETION = 0x04;

	private static final byte TYPE_CF_VALUE = 0x05;

	private SerializedBatch() {
	}

	/** @return whether storages and committers made now fill their native batch in one call (the property is true) */
	static boolean enabled() {
		return Boolean.parseBoolean(System.getProperty(PROPERTY));
	}

	/**
	 * The bytes of a batch's records (without the header).
	 * @return the size, or -1 if it is over {@link #MAX_BYTES} (then the batch is filled per entry)
	 * @throws NullPointerException if a stored key or a put's value is missing (the batch cannot be written, as
	 * the native put refuses it)
	 */
	static long recordsSize(int familyId, EngineBatch batch) {
		List<WriteOperation> operations = batch.operations();
		List<byte[]> storedKeys = batch.storedKeys();
		int tag = 1 + (familyId == 0 ? 0 : varintSize(familyId));
		long size = 0;
		for (int i = 0, n = operations.size(); i < n; i++) {
			int keyLength = storedKeys.get(i).length; // a missing key throws here, before anything is written
			size += tag + varintSize(keyLength) + keyLength;
			WriteOperation op = operations.get(i);
			if (op.type() == WriteOperation.Type.PUT) {
				byte[] value = op.value();
				if (value == null) {
					throw new NullPointerException("A put without a value cannot be written");
				}
				size += varintSize(value.length) + value.length;
			}
			if (size > MAX_BYTES) {
				return -1;
			}
		}
		return size;
	}

	/**
	 * One batch, header included.
	 * @return its bytes, or {@code null} if they would be over {@link #MAX_BYTES}
	 * @throws NullPointerException as {@link #recordsSize}
	 */
	static byte @Nullable [] of(int familyId, EngineBatch batch) {
		long records = recordsSize(familyId, batch);
		if (records < 0 || records > MAX_BYTES - HEADER) {
			return null;
		}
		byte[] bytes = new byte[HEADER + (int) records];
		int end = writeRecords(bytes, HEADER, familyId, batch);
		assert end == bytes.length;
		writeCount(bytes, batch.operations().size());
		return bytes;
	}

	/**
	 * Writes a batch's records, whose size {@link #recordsSize} answered, at {@code offset}.
	 * @return the offset after them
	 */
	static int writeRecords(byte[] into, int offset, int familyId, EngineBatch batch) {
		List<WriteOperation> operations = batch.operations();
		List<byte[]> storedKeys = batch.storedKeys();
		int at = offset;
		for (int i = 0, n = operations.size(); i < n; i++) {
			WriteOperation op = operations.get(i);
			boolean put = op.type() == WriteOperation.Type.PUT;
			if (familyId == 0) {
				into[at++] = put ? TYPE_VALUE : TYPE_DELETION;
			}
			else {
				into[at++] = put ? TYPE_CF_VALUE : TYPE_CF_DELETION;
				at = writeVarint(into, at, familyId);
			}
			at = writeSlice(into, at, storedKeys.get(i));
			if (put) {
				at = writeSlice(into, at, op.value());
			}
		}
		return at;
	}

	/** Sets the header's count (the sequence stays zero). */
	static void writeCount(byte[] bytes, int count) {
		bytes[8] = (byte) count;
		bytes[9] = (byte) (count >>> 8);
		bytes[10] = (byte) (count >>> 16);
		bytes[11] = (byte) (count >>> 24);
	}

	private static int writeSlice(byte[] into, int at, byte[] slice) {
		int next = writeVarint(into, at, slice.length);
		System.arraycopy(slice, 0, into, next, slice.length);
		return next + slice.length;
	}

	static int varintSize(int value) {
		int size = 1;
		int rest = value >>> 7;
		while (rest != 0) {
			size++;
			rest >>>= 7;
		}
		return size;
	}

	private static int writeVarint(byte[] into, int at, int value) {
		int next = at;
		int rest = value;
		while ((rest & ~0x7F) != 0) {
			into[next++] = (byte) ((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		into[next++] = (byte) rest;
		return next;
	}

}
