package io.levelmutex.spring.boot.health;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.Mutex;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.StoreHealth;
import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link HealthIndicator} for a level-mutex store and its mutexes.
 *
 * <p>{@code UP} when the store is open, its engine is available (a database server engine is DOWN while the
 * server is unreachable), RocksDB reports no background error and no write stop, no live mutex's most recent batch failed, and every mutex cycles (no cycle has run for
 * longer than the stall timeout, and no queued work has waited longer than the stall timeout
 * for a cycle thread). {@code DOWN} otherwise: in particular from the moment a mutex's batch
 * fails until one of its batches succeeds again (a batch that failed because the storage could not be reached,
 * {@link StorageUnavailableException} or {@link CommitOutcomeUnknownException}, only until the store is available
 * again: an idle service comes back UP once its database is back), while a listener or a callback on its cycle
 * thread holds a mutex up ({@code stalled}), and while a mutex's queued work waits for a
 * thread of a pool that other mutexes keep busy or blocked ({@code starved}). Details: the
 * store's engine, description ({@link MutexStore#description()}), directory (RocksDB only), whether it is open
 * and available, and RocksDB's signals or the other engine's own ({@link StoreHealth#details()}, e.g. the
 * PostgreSQL engine's connection, listener and lag signals); per mutex, its status, queued reads and
 * writes, batches flushed and failed, last flush time and duration, and last error; and the
 * event bridge's counters (events waiting, published, dropped, failed listeners), which never
 * affect the status.
 *
 * <p>Reads counters only: it never queues an operation on a mutex, so it cannot be held up by
 * a busy one.
 */
public class MutexHealthIndicator extends AbstractHealthIndicator {

	private final MutexRegistry registry;

	private final @Nullable MutexEventPublisher eventPublisher;

	private final Duration stallTimeout;

	/**
	 * Creates an indicator.
	 * @param registry the registry whose store and mutexes to report
	 * @param eventPublisher the event bridge to report, if any
	 * @param stallTimeout how long one cycle may run before its mutex counts as stalled, and how
	 * long queued work may wait for a cycle thread before its mutex counts as starved
	 */
	public MutexHealthIndicator(MutexRegistry registry, @Nullable MutexEventPublisher eventPublisher,
			Duration stallTimeout) {
		super("level-mutex health check failed");
		this.registry = registry;
		this.eventPublisher = eventPublisher;
		this.stallTimeout = stallTimeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		StoreHealth store = this.registry.store().health();
		boolean up = store.healthy();
		Map<String, Object> storeDetails = storeDetails(this.registry.store(), store);
		Map<String, Object> mutexes = new LinkedHashMap<>();
		for (Mutex<byte[], byte[]> mutex : this.registry.mutexes()) {
			MutexStats stats = mutex.stats();
			boolean stalled = stats.runningCycle() != null && stats.runningCycle().compareTo(this.stallTimeout) > 0;
			boolean starved = stats.waitingForCycle() != null
					&& stats.waitingForCycle().compareTo(this.stallTimeout) > 0;
			boolean failed = lastBatchFailedNow(stats, store);
			up &= !failed && !stalled && !starved;
			mutexes.put(mutex.name(), details(stats, failed, stalled, starved));
		}
		builder.status(up ? "UP" : "DOWN").withDetail("store", storeDetails).withDetail("mutexes", mutexes);
		if (this.eventPublisher != null) {
			MutexEventPublisher.Stats events = this.eventPublisher.stats();
			Map<String, Object> eventDetails = new LinkedHashMap<>();
			eventDetails.put("pending", events.pending());
			eventDetails.put("published", events.published());
			eventDetails.put("dropped", events.dropped());
			eventDetails.put("listenerFailures", events.listenerFailures());
			builder.withDetail("events", eventDetails);
		}
	}

	private static Map<String, Object> storeDetails(MutexStore store, StoreHealth health) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("engine", health.engine());
		details.put("description", store.description());
		Path path = store.directory();
		if (path != null) {
			details.put("path", path.toString());
		}
		details.put("open", health.open());
		details.put("available", health.available());
		if ("rocksdb".equals(health.engine())) {
			details.put("backgroundErrors", health.backgroundErrors());
			details.put("writeStopped", health.writeStopped());
			details.put("delayedWriteRate", health.delayedWriteRate());
			details.put("pendingCompactionBytes", health.pendingCompactionBytes());
		}
		health.details().forEach(details::putIfAbsent);
		return details;
	}

	/**
	 * Whether the mutex's most recent batch failed, and its failure still says something about the mutex: a failure
	 * to reach the storage (unavailable, or a commit whose outcome could not be found out) no longer does once the
	 * store is available again (the engine counts it available only after reaching the storage since).
	 */
	private static boolean lastBatchFailedNow(MutexStats stats, StoreHealth store) {
		if (!stats.lastBatchFailed()) {
			return false;
		}
		Throwable error = stats.lastError();
		boolean unreachable = error instanceof StorageUnavailableException
				|| error instanceof CommitOutcomeUnknownException;
		return !(unreachable && store.available());
	}

	private static Map<String, Object> details(MutexStats stats, boolean failed, boolean stalled, boolean starved) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", (failed || stalled || starved) ? "DOWN" : "UP");
		details.put("stalled", stalled);
		details.put("starved", starved);
		if (stats.runningCycle() != null) {
			details.put("runningCycle", stats.runningCycle().toString());
		}
		if (stats.waitingForCycle() != null) {
			details.put("waitingForCycle", stats.waitingForCycle().toString());
		}
		details.put("queuedReads", stats.queuedReads());
		details.put("queuedWrites", stats.queuedWrites());
		details.put("batchesFlushed", stats.batchesFlushed());
		details.put("batchesFailed", stats.batchesFailed());
		details.put("conflicts", stats.conflicts());
		details.put("lastSequence", stats.lastSequence());
		details.put("remoteBatches", stats.remoteBatches());
		details.put("overloadRejections", stats.overloadRejections());
		if (stats.lastFlushTime() != null) {
			details.put("lastFlushTime", stats.lastFlushTime().toString());
		}
		if (stats.lastFlushDuration() != null) {
			details.put("lastFlushDuration", stats.lastFlushDuration().toString());
		}
		if (stats.lastError() != null) {
			details.put("lastError", String.valueOf(stats.lastError()));
		}
		return details;
	}

}
