package io.levelmutex.benchmarks;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.levelmutex.FlushEvent;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;
import io.levelmutex.rocksdb.RocksStore;
import org.jspecify.annotations.Nullable;

/**
 * W2's read-check-write the way users of the original node.js library write it, on the same
 * mutex: {@code get} the key; in the read's callback (run while the read phase delivers its
 * results, so the write joins the next batch), check a per-mutex set of keys written and not
 * yet flushed; if the key is in it, count a conflict (not retried: the client draws its next
 * operation), else add the key and {@code put} the next revision. The set is cleared on every
 * {@code flushed} event. Committed updates are the successful puts.
 */
final class HandRolledCasContender implements Contender.Async {

	/** The contender's name in results. */
	static final String NAME = "hand-rolled get/check/put";

	private final DataDirectory directory;

	private final MutexStore store;

	private final Mutex<byte[], byte[]> mutex;

	/**
	 * Keys written since the last flush: added by read callbacks, cleared by the flushed
	 * listener, both on the mutex's cycle thread; concurrent so that a callback that runs on a
	 * caller thread (a read already done) stays safe.
	 */
	private final Set<Integer> pendingKeys = ConcurrentHashMap.newKeySet();

	HandRolledCasContender(Workload workload, boolean durable) throws Exception {
		if (workload.kind() != Workload.Kind.READ_CHECK_WRITE) {
			throw new IllegalArgumentException("the hand-rolled compare-and-set only runs read-check-write");
		}
		this.directory = DataDirectory.create("hand-cas");
		this.store = RocksStore.builder(this.directory.path())
				.storeOptions(StoreOptions.builder().durable(durable).build()).open();
		this.mutex = this.store.mutex(MutexOptions.builder("bench").keyspace(Keyspace.defaultColumnFamily()).build(),
				Codecs.bytes(), Codecs.bytes());
		CompletableFuture<?> last = CompletableFuture.completedFuture(null);
		for (int i = 0; i < workload.keyCount(); i++) {
			last = this.mutex.put(workload.keyAt(i), workload.initialValue(i));
			if (i % 4096 == 4095) {
				last.join();
			}
		}
		last.join();
		this.mutex.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				HandRolledCasContender.this.pendingKeys.clear();
			}
		});
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public CompletableFuture<?> execute(Workload.Stream stream, Tally tally) {
		stream.next();
		int keyIndex = stream.keyIndex();
		byte[] key = stream.key();
		byte[] filler = stream.value();
		CompletableFuture<?> outcome;
		try {
			outcome = this.mutex.get(key).thenCompose((current) -> checkAndPut(keyIndex, key, filler, current, tally));
		}
		catch (RuntimeException ex) {
			tally.failure(ex);
			return CompletableFuture.completedFuture(null);
		}
		return outcome.handle((result, error) -> {
			Throwable cause = ClosedLoopDriver.unwrap(error);
			if (cause != null) {
				tally.failure(cause);
			}
			return null;
		});
	}

	private CompletableFuture<?> checkAndPut(int keyIndex, byte[] key, byte[] filler, Optional<byte[]> current,
			Tally tally) {
		if (!this.pendingKeys.add(keyIndex)) {
			tally.conflict();
			return CompletableFuture.completedFuture(null);
		}
		long revision = current.map(Workload.Revisions::of).orElse(0L);
		return this.mutex.put(key, Workload.Revisions.withRevision(revision + 1, filler))
			.thenRun(tally::success);
	}

	@Override
	public @Nullable PhaseCounters phaseCounters() {
		MutexStats stats = this.mutex.stats();
		return new PhaseCounters(stats.readPhases(), stats.readsExecuted(), stats.batchesFlushed(),
				stats.writesFlushed(), 0);
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
