package io.levelmutex.benchmarks;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

import io.levelmutex.FlushEvent;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteConflictException;
import io.levelmutex.codec.Codecs;
import io.levelmutex.rocksdb.RocksStore;
import io.levelmutex.spring.boot.observation.MutexObservations;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * level-mutex: one store at its defaults (apart from durability) with one mutex over the whole
 * default column family, driven asynchronously through its futures. W2's read-check-write is
 * one {@link Mutex#update} call: read the revision, check it, write the next one, with a
 * single attempt. Updates run in the write phase in issue order, so none conflicts on the
 * embedded engine (a conflict would be counted, not retried).
 */
final class MutexContender implements Contender.Async {

	/** The contender's name in results. */
	static final String NAME = "level-mutex";

	/** The name of the contender traced through a no-op ObservationRegistry. */
	static final String OBSERVED_NAME = "level-mutex observed";

	private final String name;

	private final DataDirectory directory;

	private final MutexStore store;

	private final Mutex<byte[], byte[]> mutex;

	// Time spent in RocksDB's write call, added by the cycle thread; LongAdder is thread-safe.
	private final LongAdder writeNanos = new LongAdder();

	MutexContender(Workload workload, boolean durable) throws Exception {
		this(workload, durable, false);
	}

	/**
	 * Creates the contender.
	 * @param workload the workload
	 * @param durable whether batches are fsync'd
	 * @param observed whether to trace through the starter's MutexObservations with a no-op
	 * ObservationRegistry (one with no handler, as in an application without a tracer): its
	 * phase listener on the mutex and its update() wrapper around it
	 * @throws Exception if the store cannot be opened
	 */
	MutexContender(Workload workload, boolean durable, boolean observed) throws Exception {
		this.name = observed ? OBSERVED_NAME : NAME;
		this.directory = DataDirectory.create("mutex");
		this.store = RocksStore.builder(this.directory.path())
				.storeOptions(StoreOptions.builder().durable(durable).build()).open();
		Mutex<byte[], byte[]> plain = this.store.mutex(
				MutexOptions.builder("bench").keyspace(Keyspace.defaultColumnFamily()).build(), Codecs.bytes(),
				Codecs.bytes());
		if (observed) {
			MutexObservations observations = new MutexObservations(ObservationRegistry.create());
			plain.addListener(observations.phaseListener(plain.name()));
			this.mutex = observations.decorate(plain);
		}
		else {
			this.mutex = plain;
		}
		if (workload.kind() != Workload.Kind.BLIND_WRITE) {
			preload(workload);
		}
		this.mutex.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				MutexContender.this.writeNanos.add(event.duration().toNanos());
			}
		});
	}

	private void preload(Workload workload) {
		CompletableFuture<?> last = CompletableFuture.completedFuture(null);
		int batch = 0;
		for (int i = 0; i < workload.keyCount(); i++) {
			last = this.mutex.put(workload.keyAt(i), workload.initialValue(i));
			if (++batch == 4096) {
				last.join();
				batch = 0;
			}
		}
		last.join();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public CompletableFuture<?> execute(Workload.Stream stream, Tally tally) {
		stream.next();
		byte[] key = stream.key();
		byte[] value = stream.value();
		CompletableFuture<?> future;
		try {
			future = switch (stream.type()) {
				case PUT -> this.mutex.put(key, value);
				case GET -> this.mutex.get(key);
				case UPDATE -> this.mutex.update((context) -> {
					Optional<byte[]> current = context.get(key);
					long revision = current.map(Workload.Revisions::of).orElse(0L);
					context.put(key, Workload.Revisions.withRevision(revision + 1, value));
					return Boolean.TRUE;
				}, 1);
			};
		}
		catch (RuntimeException ex) {
			tally.failure(ex);
			return CompletableFuture.completedFuture(null);
		}
		return future.handle((result, error) -> {
			Throwable cause = ClosedLoopDriver.unwrap(error);
			if (cause == null) {
				tally.success();
			}
			else if (cause instanceof WriteConflictException) {
				tally.conflict();
			}
			else {
				tally.failure(cause);
			}
			return null;
		});
	}

	@Override
	public @Nullable PhaseCounters phaseCounters() {
		MutexStats stats = this.mutex.stats();
		return new PhaseCounters(stats.readPhases(), stats.readsExecuted(), stats.batchesFlushed(),
				stats.writesFlushed(), this.writeNanos.sum());
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) {
		return this.mutex.get(key).join().orElse(null);
	}

	@Override
	public void close() {
		try {
			this.mutex.close();
			this.store.close();
		}
		finally {
			this.directory.close();
		}
	}

}
