package io.levelmutex;

/**
 * RocksDB's own signals about a store, for health checks.
 *
 * @param open whether the store is open
 * @param backgroundErrors RocksDB's {@code rocksdb.background-errors} count
 * @param writeStopped whether RocksDB currently stops writes ({@code rocksdb.is-write-stopped})
 * @param delayedWriteRate the rate writes are slowed to in bytes/s, 0 when not delayed
 * ({@code rocksdb.actual-delayed-write-rate})
 * @param pendingCompactionBytes estimated bytes compaction must rewrite
 */
public record StoreHealth(boolean open, long backgroundErrors, boolean writeStopped, long delayedWriteRate,
		long pendingCompactionBytes) {

	/**
	 * Whether the store is open and RocksDB reports no background error and no write stop.
	 * @return {@code true} when healthy
	 */
	public boolean healthy() {
		return this.open && this.backgroundErrors == 0 && !this.writeStopped;
	}

}
