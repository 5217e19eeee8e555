package io.levelmutex.sample.couch;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * CouchDB revisions, {@code N-hash}: {@code N} counts the document's revisions from 1
 * (from 0 for {@code _local/} documents, which CouchDB numbers {@code 0-N}), the hash is
 * the MD5 of the revision's content (its deleted flag and JSON), as in CouchDB.
 */
final class Revisions {

	private static final Pattern FORMAT = Pattern.compile("[0-9]{1,9}-[0-9a-zA-Z]{1,64}");

	private Revisions() {
	}

	/**
	 * The MD5 of a revision's content, in hex.
	 */
	static String contentHash(boolean deleted, byte[] body) {
		try {
			MessageDigest md5 = MessageDigest.getInstance("MD5");
			md5.update((byte) (deleted ? 1 : 0));
			md5.update(body);
			return HexFormat.of().formatHex(md5.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is required of every Java platform", ex);
		}
	}

	/**
	 * Checks a revision given by a client.
	 * @throws CouchException 400 {@code bad_request} "Invalid rev format"
	 */
	static String checkFormat(String rev) {
		if (!FORMAT.matcher(rev).matches()) {
			throw CouchException.badRequest("Invalid rev format");
		}
		return rev;
	}

	/** The counter of a {@code _local/} document's revision, {@code 0-N}. */
	static int localCounter(String rev) {
		return Integer.parseInt(rev, rev.indexOf('-') + 1, rev.length(), 10);
	}

	static int generation(String rev) {
		return Integer.parseInt(rev, 0, rev.indexOf('-'), 10);
	}

}
