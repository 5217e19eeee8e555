package io.levelmutex;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * One put or delete as the model and the {@code writes} event see it.
 *
 * @param put {@code true} for a put, {@code false} for a delete
 * @param key the key, relative to the keyspace
 * @param value the value of a put, {@code null} for a delete
 */
record ModelWrite(boolean put, String key, @Nullable String value) {

	static ModelWrite of(WriteOperation operation) {
		byte[] value = operation.value();
		return new ModelWrite(operation.type() == WriteOperation.Type.PUT,
				new String(operation.key(), StandardCharsets.UTF_8),
				(value != null) ? new String(value, StandardCharsets.UTF_8) : null);
	}

	/** The bytes this write adds to a batch, as {@link WriteOperation#size()} counts them. */
	long size(int prefixLength) {
		return prefixLength + this.key.length() + ((this.value != null) ? this.value.length() : 0);
	}

	@Override
	public String toString() {
		return this.put ? "put(" + this.key + "=" + this.value + ")" : "del(" + this.key + ")";
	}

}
