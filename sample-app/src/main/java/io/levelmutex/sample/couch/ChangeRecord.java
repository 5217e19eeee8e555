package io.levelmutex.sample.couch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of one entry of the changes feed: which document changed, to which
 * revision, and whether that revision is a tombstone.
 *
 * @param id the document's id
 * @param rev the revision the change produced
 * @param deleted whether the change deleted the document
 */
record ChangeRecord(String id, String rev, boolean deleted) {

	static ChangeRecord decode(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		boolean deleted = buffer.get() != 0;
		int revLength = Short.toUnsignedInt(buffer.getShort());
		String rev = new String(bytes, buffer.position(), revLength, StandardCharsets.UTF_8);
		int idStart = buffer.position() + revLength;
		return new ChangeRecord(new String(bytes, idStart, bytes.length - idStart, StandardCharsets.UTF_8), rev,
				deleted);
	}

	byte[] encode() {
		byte[] revBytes = this.rev.getBytes(StandardCharsets.UTF_8);
		byte[] idBytes = this.id.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(1 + Short.BYTES + revBytes.length + idBytes.length)
			.put((byte) (this.deleted ? 1 : 0))
			.putShort((short) revBytes.length)
			.put(revBytes)
			.put(idBytes)
			.array();
	}

}
