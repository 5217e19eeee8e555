package io.levelmutex.rocksdb;

import java.util.List;

import org.rocksdb.WriteBatch;

import io.levelmutex.WriteOperation;

/**
 * A keyspace's batch in RocksDB's own serialized form (the {@code rep_} of its {@code WriteBatch}, the form the WAL
 * stores), built in Java and handed to RocksDB in one call ({@code new WriteBatch(byte[])}) instead of one JNI call
 * per put or delete. The bytes are exactly those RocksDB's {@code WriteBatch::Put} and {@code Delete} build for the
 * same family (SerializedBatchTest compares them): a 12-byte header (sequence 0, fixed64; count, fixed32, little
 * endian), then per operation its type, the family's id as a varint32 unless it is the default family (0), and the
 * key and the value each as a varint32 length and its bytes. RocksDB checks the count against the records when it
 * applies the batch. Stateless.
 */
final class SerializedBatch {

	/** The largest batch serialized here; larger ones are filled with RocksDB's own puts. */
	static final int MAX_BYTES = 16 << 20;

	private static final int HEADER = 12;

	// value types of RocksDB's dbformat.h
	private static final byte DELETION = 0x0;

	private static final byte VALUE = 0x1;

	private static final byte FAMILY_DELETION = 0x4;

	private static final byte FAMILY_VALUE = 0x5;

	private SerializedBatch() {
	}

	/**
	 * The serialized size of the operations.
	 * @param familyId the column family's id
	 * @param operations the operations, in order
	 * @param storedKeys their keys as stored, index for index
	 * @return the size in bytes, or -1 if it is over {@link #MAX_BYTES}
	 */
	static long size(int familyId, List<WriteOperation> operations, List<byte[]> storedKeys) {
		long size = HEADER;
		int family = (familyId == 0) ? 0 : varintLength(familyId);
		for (int i = 0, n = operations.size(); i < n; i++) {
			int keyLength = storedKeys.get(i).length;
			size += 1 + family + varintLength(keyLength) + keyLength;
			WriteOperation op = operations.get(i);
			if (op.type() == WriteOperation.Type.PUT) {
				int valueLength = valueOf(op).length;
				size += varintLength(valueLength) + valueLength;
			}
			if (size > MAX_BYTES) {
				return -1;
			}
		}
		return size;
	}

	/**
	 * A native batch holding the operations, for the caller to write and close.
	 * @param familyId the column family's id
	 * @param operations the operations, in order
	 * @param storedKeys their keys as stored, index for index
	 * @return the batch
	 * @throws IllegalArgumentException if the batch is over {@link #MAX_BYTES}
	 */
	static WriteBatch of(int familyId, List<WriteOperation> operations, List<byte[]> storedKeys) {
		long size = size(familyId, operations, storedKeys);
		if (size < 0) {
			throw new IllegalArgumentException("batch of " + operations.size() + " operations is over "
					+ MAX_BYTES + " bytes serialized");
		}
		byte[] bytes = new byte[(int) size];
		int count = operations.size();
		bytes[8] = (byte) count;
		bytes[9] = (byte) (count >>> 8);
		bytes[10] = (byte) (count >>> 16);
		bytes[11] = (byte) (count >>> 24);
		int at = HEADER;
		for (int i = 0; i < count; i++) {
			WriteOperation op = operations.get(i);
			boolean put = op.type() == WriteOperation.Type.PUT;
			if (familyId == 0) {
				bytes[at++] = put ? VALUE : DELETION;
			}
			else {
				bytes[at++] = put ? FAMILY_VALUE : FAMILY_DELETION;
				at = putVarint(bytes, at, familyId);
			}
			at = putBytes(bytes, at, storedKeys.get(i));
			if (put) {
				at = putBytes(bytes, at, valueOf(op));
			}
		}
		return new WriteBatch(bytes);
	}

	private static byte[] valueOf(WriteOperation op) {
		return java.util.Objects.requireNonNull(op.value(), "a put's value");
	}

	private static int putBytes(byte[] to, int at, byte[] bytes) {
		int next = putVarint(to, at, bytes.length);
		System.arraycopy(bytes, 0, to, next, bytes.length);
		return next + bytes.length;
	}

	private static int putVarint(byte[] to, int at, int value) {
		int next = at;
		int rest = value;
		while ((rest & ~0x7F) != 0) {
			to[next++] = (byte) ((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		to[next++] = (byte) rest;
		return next;
	}

	private static int varintLength(int value) {
		int length = 1;
		int rest = value;
		while ((rest & ~0x7F) != 0) {
			rest >>>= 7;
			length++;
		}
		return length;
	}

}
