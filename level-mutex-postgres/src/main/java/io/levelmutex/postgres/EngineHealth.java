package io.levelmutex.postgres;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.levelmutex.StoreHealth;

/**
 * The engine's last known state, for {@link PostgresEngine#health()}: recorded by commits and snapshots as they
 * happen, plus the remote-change listener's connection. Reading it never touches the database, so health never
 * blocks. Thread-safe.
 */
final class EngineHealth {

	/** Written by any cycle thread after a commit; read by health. Guarded by this object's lock. */
	private long lastCommitSequence = -1;

	/** Guarded by this object's lock. */
	private String lastCommitKeyspace = "";

	/** Guarded by this object's lock. */
	private Instant lastCommitTime = Instant.EPOCH;

	/** {@link System#nanoTime()} of the last operation that reached the database; guarded by this object's lock. */
	private long lastSuccessNanos = System.nanoTime();

	/** {@link System#nanoTime()} of the last "server unreachable" failure, or 0; guarded by this object's lock. */
	private long lastUnavailableNanos;

	synchronized void committed(String keyspace, long sequence) {
		this.lastCommitKeyspace = keyspace;
		this.lastCommitSequence = sequence;
		this.lastCommitTime = Instant.now();
		this.lastSuccessNanos = System.nanoTime();
	}

	synchronized void reached() {
		this.lastSuccessNanos = System.nanoTime();
	}

	synchronized void unreachable() {
		this.lastUnavailableNanos = System.nanoTime();
	}

	/**
	 * The health now.
	 * @param open whether the engine is open
	 * @param listener the engine's remote-change listener
	 * @param tablePrefix the engine's table prefix
	 * @param joined the engine's joined committer, or null (its counters are reported: joined commits sent, the
	 * batches in them, batches committed directly or alone, batches skipped)
	 * @return the health
	 */
	synchronized StoreHealth health(boolean open, RemoteChangeListener listener, String tablePrefix,
			@Nullable JoinedCommitter joined) {
		boolean listenerConnected = listener.isConnected();
		long lastCatchUp = listener.lastCatchUpNanos();
		// Reached since the last failure: by an operation, or by the listener's polling (so that an idle node
		// becomes available again once the server is back).
		boolean operationsReach = this.lastUnavailableNanos == 0 || this.lastSuccessNanos - this.lastUnavailableNanos > 0
				|| (lastCatchUp != 0 && lastCatchUp - this.lastUnavailableNanos > 0);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("databaseReachable", operationsReach && listenerConnected);
		details.put("tablePrefix", tablePrefix);
		if (this.lastCommitSequence >= 0) {
			details.put("lastCommitKeyspace", this.lastCommitKeyspace);
			details.put("lastCommitSequence", this.lastCommitSequence);
			details.put("lastCommitTime", this.lastCommitTime.toString());
		}
		details.put("listenerConnected", listenerConnected);
		details.put("listenerReconnects", listener.reconnects());
		details.put("pollingLagMillis",
				lastCatchUp == 0 ? -1L : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastCatchUp));
		details.put("joinedCommitsEnabled", joined != null);
		if (joined != null) {
			details.put("joinedCalls", joined.joinedCalls());
			details.put("joinedBatches", joined.joinedBatches());
			details.put("directBatches", joined.directBatches());
			details.put("soleBatches", joined.soleBatches());
		}
		return StoreHealth.of("postgresql", open, open && operationsReach && listenerConnected, details);
	}

}
