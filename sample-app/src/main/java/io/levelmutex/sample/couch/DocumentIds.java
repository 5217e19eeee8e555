package io.levelmutex.sample.couch;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * CouchDB's rules for document ids and database names.
 */
final class DocumentIds {

	static final String DESIGN_PREFIX = "_design/";

	static final String LOCAL_PREFIX = "_local/";

	/** Room left in a mutex key (16 KiB by default) after the database's key prefix. */
	static final int MAX_ID_BYTES = 8 * 1024;

	private static final Pattern DATABASE_NAME = Pattern.compile("^[a-z][a-z0-9_$()+/-]*$");

	private static final int MAX_DATABASE_NAME_LENGTH = 238;

	private DocumentIds() {
	}

	/**
	 * Checks a document id.
	 * @throws CouchException 400 {@code illegal_docid} for an empty id, a non-reserved id
	 * starting with {@code _}, an id holding a lone surrogate, an id over
	 * {@link #MAX_ID_BYTES}
	 */
	static String check(String id) {
		if (id.isEmpty()) {
			throw CouchException.illegalDocId("Document id must not be empty");
		}
		if (id.startsWith("_")) {
			boolean reserved = (id.startsWith(DESIGN_PREFIX) && id.length() > DESIGN_PREFIX.length())
					|| (id.startsWith(LOCAL_PREFIX) && id.length() > LOCAL_PREFIX.length());
			if (!reserved) {
				throw CouchException.illegalDocId("Only reserved document ids may start with underscore.");
			}
		}
		if (!isWellFormed(id)) {
			// A lone surrogate has no UTF-8 form: stored, it would become '?' and share its key
			// with other ids.
			throw CouchException.illegalDocId("Document id must be valid UTF-8");
		}
		if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
			throw CouchException.illegalDocId("Document id is too long (over " + MAX_ID_BYTES + " bytes)");
		}
		return id;
	}

	/**
	 * Whether an id (or a key asked for) has a UTF-8 form, that is holds no lone surrogate.
	 */
	static boolean isWellFormed(String id) {
		return StandardCharsets.UTF_8.newEncoder().canEncode(id);
	}

	static boolean isLocal(String id) {
		return id.startsWith(LOCAL_PREFIX);
	}

	/** A new id for {@code POST /{db}}: 32 hex digits, like CouchDB's. */
	static String generate() {
		UUID uuid = UUID.randomUUID();
		return String.format("%016x%016x", uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
	}

	/**
	 * Checks a database name against CouchDB's rule.
	 * @throws CouchException 400 {@code illegal_database_name}
	 */
	static String checkDatabaseName(String name) {
		if (name.length() > MAX_DATABASE_NAME_LENGTH || !DATABASE_NAME.matcher(name).matches()) {
			throw CouchException.illegalDatabaseName(name);
		}
		return name;
	}

}
