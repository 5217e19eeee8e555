package io.levelmutex.spring.boot.actuate.endpoint;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.spring.boot.MutexRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.util.unit.DataSize;

/**
 * The {@code mutexes} actuator endpoint: the store's engine and description, every live mutex with its configuration (keyspace and
 * limits) and live statistics ({@code /actuator/mutexes}), or one of them
 * ({@code /actuator/mutexes/{name}}, 404 when there is none). Read-only; it only reads
 * counters and never creates a mutex or queues an operation.
 */
@Endpoint(id = "mutexes")
public class MutexesEndpoint {

	private final MutexRegistry registry;

	/**
	 * Creates the endpoint.
	 * @param registry the registry to describe
	 */
	public MutexesEndpoint(MutexRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Describes every live mutex.
	 * @return the mutexes by name, in creation order
	 */
	@ReadOperation
	public MutexesDescriptor mutexes() {
		Map<String, MutexDescriptor> mutexes = new LinkedHashMap<>();
		for (Mutex<byte[], byte[]> mutex : this.registry.mutexes()) {
			mutexes.put(mutex.name(), describe(mutex));
		}
		MutexStore store = this.registry.store();
		Path path = store.directory();
		return new MutexesDescriptor(store.health().engine(), store.description(),
				(path != null) ? path.toString() : null, mutexes);
	}

	/**
	 * Describes one mutex.
	 * @param name the mutex's name
	 * @return the mutex, or {@code null} (404) if it does not exist
	 */
	@ReadOperation
	public @Nullable MutexDescriptor mutex(@Selector String name) {
		return this.registry.find(name).map(MutexesEndpoint::describe).orElse(null);
	}

	private static MutexDescriptor describe(Mutex<byte[], byte[]> mutex) {
		MutexOptions options = mutex.options();
		MutexStats stats = mutex.stats();
		return new MutexDescriptor(mutex.keyspace().columnFamily(), mutex.keyspace().toString(),
				new LimitsDescriptor(options.maxQueuedOperations(), options.maxBatchOperations(),
						size(options.maxBatchBytes()), size(options.maxKeyBytes()), size(options.maxValueBytes()),
						options.maxUpdateAttempts(), options.durable()),
				new StatsDescriptor(stats.closed(), stats.queuedReads(), stats.queuedWrites(), stats.readPhases(),
						stats.readsExecuted(), stats.batchesFlushed(), stats.batchesFailed(), stats.writesFlushed(),
						stats.conflicts(), stats.overloadRejections(),
						(stats.lastFlushTime() != null) ? stats.lastFlushTime().toString() : null,
						(stats.lastFlushDuration() != null) ? stats.lastFlushDuration().toString() : null,
						(stats.lastError() != null) ? stats.lastError().toString() : null, stats.lastBatchFailed(),
						stats.lastSequence(), stats.remoteBatches()));
	}

	private static String size(long bytes) {
		return DataSize.ofBytes(bytes).toString();
	}

	/**
	 * Every mutex of the store.
	 *
	 * @param engine the store's engine, {@code rocksdb} or {@code postgresql}
	 * @param description what and where the store is ({@link MutexStore#description()})
	 * @param path the store's directory, {@code null} for an engine without one
	 * @param mutexes the mutexes by name
	 */
	public record MutexesDescriptor(String engine, String description, @Nullable String path,
			Map<String, MutexDescriptor> mutexes)
			implements OperationResponseBody {
	}

	/**
	 * One mutex.
	 *
	 * @param columnFamily its keyspace's column family
	 * @param keyspace its keyspace: column family and prefix, abbreviated
	 * @param limits its configuration
	 * @param stats its live statistics
	 */
	public record MutexDescriptor(String columnFamily, String keyspace, LimitsDescriptor limits, StatsDescriptor stats)
			implements OperationResponseBody {
	}

	/**
	 * A mutex's configured limits, named as the properties that set them
	 * ({@code level-mutex.mutexes.<name>.max-batch-size} is {@code maxBatchSize}); sizes are
	 * shown in bytes, as {@code "33554432B"}, a value those properties accept.
	 *
	 * @param maxQueuedOperations most operations waiting
	 * @param maxBatchOperations most writes per batch
	 * @param maxBatchSize most key and value bytes per batch
	 * @param maxKeySize largest key
	 * @param maxValueSize largest value
	 * @param maxUpdateAttempts attempts of a conditional write
	 * @param durable whether batches are fsync'd, {@code null} when following the store
	 */
	public record LimitsDescriptor(int maxQueuedOperations, int maxBatchOperations, String maxBatchSize,
			String maxKeySize, String maxValueSize, int maxUpdateAttempts, @Nullable Boolean durable) {
	}

	/**
	 * A mutex's live statistics (see {@link MutexStats}).
	 *
	 * @param closed whether it is closed
	 * @param queuedReads reads waiting
	 * @param queuedWrites writes waiting
	 * @param readPhases read phases run
	 * @param readsExecuted reads run
	 * @param batchesFlushed batches written
	 * @param batchesFailed batches failed
	 * @param writesFlushed writes applied
	 * @param conflicts update attempts refused for a conflict with another writer
	 * @param overloadRejections calls refused because the queue was full
	 * @param lastFlushTime when the last batch finished
	 * @param lastFlushDuration how long it took
	 * @param lastError the last failed batch's error
	 * @param lastBatchFailed whether the most recent batch failed
	 * @param lastSequence the highest commit sequence of its keyspace it knows of (its own batches' or other
	 * writers')
	 * @param remoteBatches batches other writers (other instances) committed to its keyspace, as reported here
	 */
	public record StatsDescriptor(boolean closed, int queuedReads, int queuedWrites, long readPhases,
			long readsExecuted, long batchesFlushed, long batchesFailed, long writesFlushed, long conflicts,
			long overloadRejections, @Nullable String lastFlushTime, @Nullable String lastFlushDuration,
			@Nullable String lastError, boolean lastBatchFailed, long lastSequence, long remoteBatches) {
	}

}
