package io.levelmutex.sample.couch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.core.io.JsonStringEncoder;

/**
 * The stored form of a document's latest revision: a small binary header (deleted flag,
 * sequence, revision) followed by the document's JSON without {@code _id} and {@code _rev},
 * so that a revision check decodes the header only and a read returns the JSON without
 * parsing it.
 *
 * @param rev the revision, {@code N-hash}
 * @param seq the sequence of the change that wrote it (0 for {@code _local/} documents)
 * @param deleted whether this revision is a tombstone
 * @param body the document's JSON object, without the special members
 */
record DocumentRecord(String rev, long seq, boolean deleted, byte[] body) {

	private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

	static DocumentRecord decode(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		boolean deleted = buffer.get() != 0;
		long seq = buffer.getLong();
		int revLength = Short.toUnsignedInt(buffer.getShort());
		String rev = new String(bytes, buffer.position(), revLength, StandardCharsets.UTF_8);
		int bodyStart = buffer.position() + revLength;
		return new DocumentRecord(rev, seq, deleted, Arrays.copyOfRange(bytes, bodyStart, bytes.length));
	}

	byte[] encode() {
		byte[] revBytes = this.rev.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(1 + Long.BYTES + Short.BYTES + revBytes.length + this.body.length)
			.put((byte) (this.deleted ? 1 : 0))
			.putLong(this.seq)
			.putShort((short) revBytes.length)
			.put(revBytes)
			.put(this.body)
			.array();
	}

	int generation() {
		return Revisions.generation(this.rev);
	}

	/**
	 * The document as CouchDB returns it: {@code _id}, {@code _rev}, {@code _deleted} for a
	 * tombstone, then the stored members.
	 */
	byte[] toJson(String id) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(this.body.length + id.length() + 64);
		out.writeBytes("{\"_id\":".getBytes(StandardCharsets.UTF_8));
		writeString(out, id);
		out.writeBytes(",\"_rev\":".getBytes(StandardCharsets.UTF_8));
		writeString(out, this.rev);
		if (this.deleted) {
			out.writeBytes(",\"_deleted\":true".getBytes(StandardCharsets.UTF_8));
		}
		if (Arrays.equals(this.body, EMPTY_OBJECT)) {
			out.write('}');
		}
		else {
			out.write(',');
			out.write(this.body, 1, this.body.length - 1);
		}
		return out.toByteArray();
	}

	String toJsonString(String id) {
		return new String(toJson(id), StandardCharsets.UTF_8);
	}

	private static void writeString(ByteArrayOutputStream out, String value) {
		out.write('"');
		out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value));
		out.write('"');
	}

}
