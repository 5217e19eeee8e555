package io.levelmutex.aottest;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.levelmutex.Mutex;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Uses the untyped named mutex bean {@code audit}.
 */
@Component
public class AuditLog {

	private final Mutex<byte[], byte[]> audit;

	AuditLog(@Qualifier("audit") Mutex<byte[], byte[]> audit) {
		this.audit = audit;
	}

	/**
	 * Stores an entry and reads it back.
	 * @param key the key
	 * @param text the entry
	 * @return the entry read back
	 */
	public Optional<String> record(String key, String text) {
		byte[] k = key.getBytes(StandardCharsets.UTF_8);
		this.audit.put(k, text.getBytes(StandardCharsets.UTF_8)).join();
		return this.audit.get(k).join().map((bytes) -> new String(bytes, StandardCharsets.UTF_8));
	}

}
