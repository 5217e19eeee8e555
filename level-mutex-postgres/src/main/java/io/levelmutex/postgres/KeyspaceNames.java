package io.levelmutex.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.levelmutex.Keyspace;

/**
 * Names the PostgreSQL keyspace of a core {@link Keyspace}: {@code columnFamily + "/" + hex(prefix)}, e.g.
 * {@code default/6f726465727300} for the mutex {@code orders}. Stable (the same keyspace always gets the same
 * name, on every node and after restarts) and collision-free: hex digits contain no {@code '/'}, so the last
 * {@code '/'} splits a name back into its column family and prefix. A name over
 * {@value KeyspaceDirectory#MAX_NAME_BYTES} bytes is replaced by {@code "sha256:" + hex(SHA-256(columnFamily
 * UTF-8, 0, prefix))}, which contains no {@code '/'} and so never equals an unhashed name.
 */
final class KeyspaceNames {

	static final String HASHED = "sha256:";

	private KeyspaceNames() {
	}

	static String of(Keyspace keyspace) {
		String columnFamily = keyspace.columnFamily();
		byte[] prefix = keyspace.prefix();
		String plain = columnFamily + "/" + HexFormat.of().formatHex(prefix);
		if (plain.getBytes(StandardCharsets.UTF_8).length <= KeyspaceDirectory.MAX_NAME_BYTES
				&& plain.indexOf('\0') < 0) {
			return plain;
		}
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(columnFamily.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(prefix);
			return HASHED + HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
