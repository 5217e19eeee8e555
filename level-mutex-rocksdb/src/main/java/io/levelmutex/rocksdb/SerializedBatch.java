package io.levelmutex.rocksdb;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.WriteOperation;

/**
 * Encodes a batch's puts and deletes in RocksDB's own {@code WriteBatch} representation, so that the native batch is
 * made with one call ({@code new WriteBatch(byte[])}) instead of one JNI call per operation.
 *
 * <p>The representation (RocksDB's {@code db/write_batch.cc}, the format of its write-ahead log): an 8-byte sequence
 * number (0: RocksDB assigns it at the write), a 4-byte little-endian count of records, then per record a tag byte
 * and its fields. In the default column family (id 0) a put is {@code 0x01 varint32(key length) key
 * varint32(value length) value} and a delete {@code 0x00 varint32(key length) key}; in any other column family the
 * tags are {@code 0x05} and {@code 0x04}, each followed by {@code varint32(column family id)}. These are the bytes
 * {@code WriteBatch.put(family, key, value)} and {@code WriteBatch.delete(family, key)} append, so a batch made
 * either way is the same (the tests compare {@code WriteBatch.data()}).
 *
 * <p>Stateless; any thread.
 */
final class SerializedBatch {

	/** The sequence number and the count that open the representation. */
	static final int HEADER_BYTES = 12;

	private static final byte TYPE_DELETION = 0x00;

	private static final byte TYPE_VALUE = 0x01;

	private static final byte TYPE_COLUMN_FAMILY_DELETION = 0x04;

	private static final byte TYPE_COLUMN_FAMILY_VALUE = 0x05;

	private SerializedBatch() {
	}

	/**
	 * The representation of a batch, or {@code null} if it would take more than {@code maxBytes} (then the caller
	 * fills a native batch operation by operation, without a Java copy of it all).
	 * @param familyId the column family's id ({@code ColumnFamilyHandle.getID()})
	 * @param operations the batch's operations, in order
	 * @param storedKeys each operation's key as stored, in the same order
	 * @param maxBytes the largest representation to make
	 * @return the bytes, or {@code null} if over {@code maxBytes}
	 */
	static byte @Nullable [] encode(int familyId, List<WriteOperation> operations, List<byte[]> storedKeys,
			int maxBytes) {
		int count = operations.size();
		int familyBytes = (familyId == 0) ? 0 : varintLength(familyId);
		long size = HEADER_BYTES;
		for (int i = 0; i < count; i++) { // indexed: no iterator per batch
			WriteOperation op = operations.get(i);
			int keyLength = storedKeys.get(i).length;
			size += 1 + familyBytes + varintLength(keyLength) + keyLength;
			if (op.type() == WriteOperation.Type.PUT) {
				int valueLength = op.value().length;
				size += varintLength(valueLength) + valueLength;
			}
			if (size > maxBytes) {
				return null;
			}
		}
		byte[] rep = new byte[(int) size];
		// bytes 0-7: sequence 0
		rep[8] = (byte) count;
		rep[9] = (byte) (count >>> 8);
		rep[10] = (byte) (count >>> 16);
		rep[11] = (byte) (count >>> 24);
		int at = HEADER_BYTES;
		for (int i = 0; i < count; i++) {
			WriteOperation op = operations.get(i);
			boolean put = op.type() == WriteOperation.Type.PUT;
			if (familyId == 0) {
				rep[at++] = put ? TYPE_VALUE : TYPE_DELETION;
			}
			else {
				rep[at++] = put ? TYPE_COLUMN_FAMILY_VALUE : TYPE_COLUMN_FAMILY_DELETION;
				at = putVarint(rep, at, familyId);
			}
			at = putSlice(rep, at, storedKeys.get(i));
			if (put) {
				at = putSlice(rep, at, op.value());
			}
		}
		return rep;
	}

	private static int putSlice(byte[] rep, int at, byte[] bytes) {
		int next = putVarint(rep, at, bytes.length);
		System.arraycopy(bytes, 0, rep, next, bytes.length);
		return next + bytes.length;
	}

	static int varintLength(int value) {
		int length = 1;
		int rest = value >>> 7;
		while (rest != 0) {
			length++;
			rest >>>= 7;
		}
		return length;
	}

	private static int putVarint(byte[] rep, int at, int value) {
		int next = at;
		int rest = value;
		while ((rest & ~0x7F) != 0) {
			rep[next++] = (byte) ((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		rep[next++] = (byte) rest;
		return next;
	}

}
