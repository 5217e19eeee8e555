package io.levelmutex.spring.boot.metrics;

import java.util.function.ToDoubleFunction;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.ReadPhaseEvent;
import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexRegistry;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics for level-mutex, tagged {@code mutex=<name>}; mutexes created on demand
 * after binding get their meters when they are created.
 *
 * <ul>
 * <li>{@code level.mutex.batch.size} (summary): writes per batch;
 * {@code level.mutex.batch.bytes} (summary, bytes): key and value bytes per batch.</li>
 * <li>{@code level.mutex.read.phase.size} (summary): reads per read phase.</li>
 * <li>{@code level.mutex.flush} (timer, tag {@code outcome=success|failure}): how long
 * the engine took to write (commit) each batch.</li>
 * <li>{@code level.mutex.remote.changes} (counter): batches other writers committed to the
 * mutex's keyspace (PostgreSQL engine: other instances), as reported to this instance.</li>
 * <li>{@code level.mutex.queued} (gauge, tag {@code operation=read|write}): operations
 * waiting.</li>
 * <li>{@code level.mutex.batches} (counter, tag {@code outcome}): batches written and
 * failed; {@code level.mutex.writes}: writes applied; {@code level.mutex.conflicts}:
 * conditional writes refused for a conflict; {@code level.mutex.overload.rejections}: calls
 * refused because the queue was full.</li>
 * <li>Store: {@code level.mutex.store.available} (1 while the engine can serve reads and
 * commits, 0 while its database is unreachable); engines with other writers:
 * {@code level.mutex.store.notification.lag} (milliseconds: how far behind the others' commits
 * this instance's view is, from the engine's {@code pollingLagMillis} health detail); RocksDB only:
 * {@code level.mutex.store.background.errors},
 * {@code level.mutex.store.write.stopped} (1 while RocksDB stops writes),
 * {@code level.mutex.store.delayed.write.rate} (bytes/s),
 * {@code level.mutex.store.pending.compaction} (bytes).</li>
 * <li>Events: {@code level.mutex.events.pending}, {@code level.mutex.events.published},
 * {@code level.mutex.events.dropped}, {@code level.mutex.events.listener.failures}.</li>
 * </ul>
 * Counters and gauges read the mutex's own counters; the summaries and the timer are recorded
 * by a listener on the cycle thread (a few nanoseconds per phase), from the moment the binder
 * is bound.
 */
public class MutexMetrics implements MeterBinder {

	/** The {@link io.levelmutex.StoreHealth#details() health detail} of the PostgreSQL engine's lag. */
	static final String POLLING_LAG_MILLIS = "pollingLagMillis";

	private final MutexRegistry registry;

	private final @Nullable MutexEventPublisher eventPublisher;

	/**
	 * Creates the binder.
	 * @param registry the registry whose mutexes to measure
	 * @param eventPublisher the event bridge to measure, if any
	 */
	public MutexMetrics(MutexRegistry registry, @Nullable MutexEventPublisher eventPublisher) {
		this.registry = registry;
		this.eventPublisher = eventPublisher;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		bindStore(this.registry.store(), meterRegistry);
		if (this.eventPublisher != null) {
			bindEvents(this.eventPublisher, meterRegistry);
		}
		this.registry.forEachMutex((mutex) -> bindMutex(mutex, meterRegistry));
	}

	private static void bindStore(MutexStore store, MeterRegistry meterRegistry) {
		storeGauge("level.mutex.store.available", store, (s) -> s.health().available() ? 1 : 0, null,
				"1 while the store's engine can serve reads and commits", meterRegistry);
		if (!"rocksdb".equals(store.health().engine())) {
			storeGauge("level.mutex.store.notification.lag", store, (s) -> detail(s, POLLING_LAG_MILLIS), "milliseconds",
					"How far behind the other writers' commits this instance's view of them is (NaN when the"
							+ " engine does not report it)",
					meterRegistry);
			return;
		}
		storeGauge("level.mutex.store.background.errors", store, (s) -> s.health().backgroundErrors(), null,
				"RocksDB background errors", meterRegistry);
		storeGauge("level.mutex.store.write.stopped", store, (s) -> s.health().writeStopped() ? 1 : 0, null,
				"1 while RocksDB stops writes", meterRegistry);
		storeGauge("level.mutex.store.delayed.write.rate", store, (s) -> s.health().delayedWriteRate(), "bytes",
				"Rate RocksDB slows writes to, 0 when not delayed", meterRegistry);
		storeGauge("level.mutex.store.pending.compaction", store, (s) -> s.health().pendingCompactionBytes(), "bytes",
				"Estimated bytes compaction must rewrite", meterRegistry);
	}

	private static double detail(MutexStore store, String name) {
		Object value = store.health().details().get(name);
		return (value instanceof Number number) ? number.doubleValue() : Double.NaN;
	}

	private static void storeGauge(String name, MutexStore store, ToDoubleFunction<MutexStore> value,
			@Nullable String baseUnit, String description, MeterRegistry meterRegistry) {
		Gauge.builder(name, store, (s) -> s.isOpen() ? value.applyAsDouble(s) : Double.NaN)
			.baseUnit(baseUnit)
			.description(description)
			.register(meterRegistry);
	}

	private static void bindEvents(MutexEventPublisher events, MeterRegistry meterRegistry) {
		Gauge.builder("level.mutex.events.pending", events, (e) -> e.stats().pending())
			.description("Mutex events waiting to be published")
			.register(meterRegistry);
		FunctionCounter.builder("level.mutex.events.published", events, (e) -> e.stats().published())
			.description("Mutex events published")
			.register(meterRegistry);
		FunctionCounter.builder("level.mutex.events.dropped", events, (e) -> e.stats().dropped())
			.description("Mutex events dropped because listeners fell too far behind")
			.register(meterRegistry);
		FunctionCounter.builder("level.mutex.events.listener.failures", events, (e) -> e.stats().listenerFailures())
			.description("Mutex events a listener threw on")
			.register(meterRegistry);
	}

	private static void bindMutex(Mutex<byte[], byte[]> mutex, MeterRegistry meterRegistry) {
		Tags tags = Tags.of("mutex", mutex.name());
		DistributionSummary batchSize = DistributionSummary.builder("level.mutex.batch.size")
			.tags(tags)
			.description("Writes per batch")
			.register(meterRegistry);
		DistributionSummary batchBytes = DistributionSummary.builder("level.mutex.batch.bytes")
			.tags(tags)
			.baseUnit("bytes")
			.description("Key and value bytes per batch")
			.register(meterRegistry);
		DistributionSummary readPhaseSize = DistributionSummary.builder("level.mutex.read.phase.size")
			.tags(tags)
			.description("Reads per read phase")
			.register(meterRegistry);
		Timer flushSuccess = Timer.builder("level.mutex.flush")
			.tags(tags)
			.tag("outcome", "success")
			.description("Time the engine took to write a batch")
			.register(meterRegistry);
		Timer flushFailure = Timer.builder("level.mutex.flush")
			.tags(tags)
			.tag("outcome", "failure")
			.description("Time the engine took to write a batch")
			.register(meterRegistry);
		Gauge.builder("level.mutex.queued", mutex, (m) -> m.stats().queuedReads())
			.tags(tags)
			.tag("operation", "read")
			.description("Operations waiting")
			.register(meterRegistry);
		Gauge.builder("level.mutex.queued", mutex, (m) -> m.stats().queuedWrites())
			.tags(tags)
			.tag("operation", "write")
			.description("Operations waiting")
			.register(meterRegistry);
		counter("level.mutex.batches", mutex, MutexStats::batchesFlushed, tags.and("outcome", "success"),
				"Batches written or failed", meterRegistry);
		counter("level.mutex.batches", mutex, MutexStats::batchesFailed, tags.and("outcome", "failure"),
				"Batches written or failed", meterRegistry);
		counter("level.mutex.writes", mutex, MutexStats::writesFlushed, tags, "Writes applied", meterRegistry);
		counter("level.mutex.conflicts", mutex, MutexStats::conflicts, tags,
				"Conditional write attempts refused for a conflict", meterRegistry);
		counter("level.mutex.remote.changes", mutex, MutexStats::remoteBatches, tags,
				"Batches other writers (other instances) committed to the mutex's keyspace, as reported here",
				meterRegistry);
		counter("level.mutex.overload.rejections", mutex, MutexStats::overloadRejections, tags,
				"Calls refused because the queue was full", meterRegistry);
		mutex.addListener(new MutexListener() {

			@Override
			public void onReads(ReadPhaseEvent event) {
				readPhaseSize.record(event.reads());
			}

			@Override
			public void onFlushed(FlushEvent event) {
				batchSize.record(event.size());
				batchBytes.record(event.bytes());
				(event.succeeded() ? flushSuccess : flushFailure).record(event.duration());
			}
		});
	}

	private static void counter(String name, Mutex<byte[], byte[]> mutex, ToDoubleFunction<MutexStats> value,
			Tags tags, String description, MeterRegistry meterRegistry) {
		FunctionCounter.builder(name, mutex, (m) -> value.applyAsDouble(m.stats()))
			.tags(tags)
			.description(description)
			.register(meterRegistry);
	}

}
