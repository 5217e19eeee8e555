package io.levelmutex.sample.couch;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * A database's document counters, kept in one key and updated in the same batch as the
 * documents they count.
 *
 * @param docCount live documents
 * @param deletedCount tombstones
 */
record DatabaseCounts(long docCount, long deletedCount) {

	static final DatabaseCounts EMPTY = new DatabaseCounts(0, 0);

	static DatabaseCounts decode(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		return new DatabaseCounts(buffer.getLong(), buffer.getLong());
	}

	byte[] encode() {
		return ByteBuffer.allocate(2 * Long.BYTES).putLong(this.docCount).putLong(this.deletedCount).array();
	}

	/**
	 * The counters after one document went from {@code before} to {@code after}.
	 * @param before the previous revision, {@code null} if the document was new
	 * @param afterDeleted whether the new revision is a tombstone
	 */
	DatabaseCounts replace(@Nullable DocumentRecord before, boolean afterDeleted) {
		long docs = this.docCount;
		long deleted = this.deletedCount;
		if (before != null) {
			if (before.deleted()) {
				deleted--;
			}
			else {
				docs--;
			}
		}
		if (afterDeleted) {
			deleted++;
		}
		else {
			docs++;
		}
		return new DatabaseCounts(docs, deleted);
	}

}
