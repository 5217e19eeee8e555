package io.levelmutex;

import java.util.Map;

/**
 * A store's health signals, from its storage engine, for health checks.
 *
 * @param engine the engine's name, e.g. {@code rocksdb} or {@code postgresql}
 * @param open whether the store is open
 * @param available whether the engine can serve reads and commits now (always {@code true} for the embedded
 * engine while open; {@code false} while a database server is unreachable)
 * @param backgroundErrors RocksDB's {@code rocksdb.background-errors} count (0 for other engines)
 * @param writeStopped whether RocksDB currently stops writes ({@code rocksdb.is-write-stopped})
 * @param delayedWriteRate the rate writes are slowed to in bytes/s, 0 when not delayed
 * ({@code rocksdb.actual-delayed-write-rate})
 * @param pendingCompactionBytes estimated bytes compaction must rewrite
 * @param details further engine-specific signals by name (unmodifiable, values are strings, numbers or
 * booleans)
 */
public record StoreHealth(String engine, boolean open, boolean available, long backgroundErrors,
		boolean writeStopped, long delayedWriteRate, long pendingCompactionBytes, Map<String, Object> details) {

	/**
	 * Copies the details.
	 * @param engine the engine, as described above
	 * @param open the open, as described above
	 * @param available the available, as described above
	 * @param backgroundErrors the backgroundErrors, as described above
	 * @param writeStopped the writeStopped, as described above
	 * @param delayedWriteRate the delayedWriteRate, as described above
	 * @param pendingCompactionBytes the pendingCompactionBytes, as described above
	 * @param details the details, as described above
	 */
	public StoreHealth {
		details = Map.copyOf(details);
	}

	/**
	 * The health of an engine without RocksDB's signals.
	 * @param engine the engine's name
	 * @param open whether the store is open
	 * @param available whether the engine can serve reads and commits now
	 * @param details engine-specific signals
	 * @return the health
	 */
	public static StoreHealth of(String engine, boolean open, boolean available, Map<String, Object> details) {
		return new StoreHealth(engine, open, available, 0, false, 0, 0, details);
	}

	/**
	 * Whether the store is open, its engine available, and RocksDB reports no background error
	 * and no write stop.
	 * @return {@code true} when healthy
	 */
	public boolean healthy() {
		return this.open && this.available && this.backgroundErrors == 0 && !this.writeStopped;
	}

}
