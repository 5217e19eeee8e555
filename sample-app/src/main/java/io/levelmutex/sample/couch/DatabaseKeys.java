package io.levelmutex.sample.couch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.levelmutex.KeyRange;
import org.jspecify.annotations.Nullable;

/**
 * The key layout of one incarnation of a database inside its mutex's keyspace. Every key
 * starts with the incarnation's number (8 bytes, big-endian), so a database deleted and
 * created again never sees the old incarnation's keys, which are purged in the background.
 * Then one byte for the kind of entry:
 * <ul>
 * <li>{@code M}: the counters ({@link DatabaseCounts});</li>
 * <li>{@code D} + document id (UTF-8): the document's latest revision ({@link DocumentRecord});</li>
 * <li>{@code L} + document id (UTF-8): a {@code _local/} document, outside the changes feed;</li>
 * <li>{@code S} + sequence (8 bytes, big-endian): the change that produced a document's latest
 * revision ({@link ChangeRecord}); exactly one per document, so the last one is the
 * database's {@code update_seq}.</li>
 * </ul>
 * Instances are immutable.
 */
final class DatabaseKeys {

	private static final byte META = 'M';

	private static final byte DOC = 'D';

	private static final byte LOCAL = 'L';

	private static final byte SEQ = 'S';

	private final byte[] base;

	DatabaseKeys(long instance) {
		this.base = ByteBuffer.allocate(Long.BYTES).putLong(instance).array();
	}

	byte[] meta() {
		return with(META, new byte[0]);
	}

	byte[] document(String id) {
		return with(id.startsWith(DocumentIds.LOCAL_PREFIX) ? LOCAL : DOC, id.getBytes(StandardCharsets.UTF_8));
	}

	byte[] sequence(long seq) {
		return with(SEQ, ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
	}

	/**
	 * Keys of documents from a first id to a last one, either bound optional.
	 */
	KeyRange<byte[]> documents(@Nullable String startId, boolean startInclusive, @Nullable String endId,
			boolean endInclusive) {
		KeyRange<byte[]> range = KeyRange.prefixedBy(with(DOC, new byte[0]));
		if (startId != null) {
			range = range.withStart(document(startId), startInclusive);
		}
		if (endId != null) {
			range = range.withEnd(document(endId), endInclusive);
		}
		return range;
	}

	KeyRange<byte[]> sequencesAfter(long since) {
		return KeyRange.prefixedBy(with(SEQ, new byte[0])).withStart(sequence(since), false);
	}

	KeyRange<byte[]> allSequences() {
		return KeyRange.prefixedBy(with(SEQ, new byte[0]));
	}

	KeyRange<byte[]> everything() {
		return KeyRange.prefixedBy(this.base);
	}

	String documentId(byte[] key) {
		return new String(key, this.base.length + 1, key.length - this.base.length - 1, StandardCharsets.UTF_8);
	}

	long sequenceOf(byte[] key) {
		return ByteBuffer.wrap(key, this.base.length + 1, Long.BYTES).getLong();
	}

	private byte[] with(byte kind, byte[] rest) {
		byte[] key = Arrays.copyOf(this.base, this.base.length + 1 + rest.length);
		key[this.base.length] = kind;
		System.arraycopy(rest, 0, key, this.base.length + 1, rest.length);
		return key;
	}

}
