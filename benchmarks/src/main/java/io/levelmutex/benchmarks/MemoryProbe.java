package io.levelmutex.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexOverloadedException;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;
import io.levelmutex.rocksdb.RocksStore;

/**
 * Heap figures of the mutex: what an idle mutex costs, and what a mutex holds when far more
 * operations are issued at once than its queue limit admits.
 */
final class MemoryProbe {

	private static final int IDLE_MUTEXES = 10_000;

	private static final int OVERLOAD_OPERATIONS = 1_000_000;

	private static final int SAMPLE_EVERY = 8_192;

	private MemoryProbe() {
	}

	/**
	 * Runs both probes, each on a fresh store.
	 * @return the figures
	 */
	static MemoryReport run() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		int threadsBefore;
		int threadsAfter;
		long idleBefore;
		long idleAfter;
		try (DataDirectory directory = DataDirectory.create("memory-idle");
				MutexStore store = RocksStore.builder(directory.path()).open()) {
			List<Mutex<byte[], byte[]>> mutexes = new ArrayList<>(IDLE_MUTEXES);
			// Touch the store once so that its lazily created parts are not counted per mutex.
			mutexes.add(store.mutex(MutexOptions.builder("warm").build(), Codecs.bytes(), Codecs.bytes()));
			mutexes.get(0).put(new byte[] { 1 }, new byte[] { 1 }).join();
			threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
			idleBefore = usedAfterGc(memory);
			for (int i = 0; i < IDLE_MUTEXES; i++) {
				mutexes.add(store.mutex(MutexOptions.builder("idle-" + i).build(), Codecs.bytes(), Codecs.bytes()));
			}
			idleAfter = usedAfterGc(memory);
			threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
			if (mutexes.size() != IDLE_MUTEXES + 1) {
				throw new IllegalStateException("mutexes were not all created");
			}
		}
		double bytesPerIdleMutex = (double) (idleAfter - idleBefore) / IDLE_MUTEXES;

		try (DataDirectory directory = DataDirectory.create("memory-overload");
				MutexStore store = RocksStore.builder(directory.path())
						.storeOptions(StoreOptions.builder().durable(false).build()).open()) {
			Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("overload").build(), Codecs.bytes(),
					Codecs.bytes());
			Workload workload = Workload.blindWrites(SweepPlan.LARGE_KEYSPACE, SweepPlan.SEED);
			Workload.Stream stream = workload.stream(0);
			long baseline = usedAfterGc(memory);
			long peak = baseline;
			long retainedWhenFull = -1;
			int maxQueued = 0;
			long accepted = 0;
			long rejected = 0;
			CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
			for (int i = 0; i < OVERLOAD_OPERATIONS; i++) {
				stream.next();
				try {
					last = mutex.put(stream.key(), stream.value());
					accepted++;
				}
				catch (MutexOverloadedException ex) {
					rejected++;
					if (retainedWhenFull < 0) {
						maxQueued = Math.max(maxQueued, mutex.stats().queued());
						retainedWhenFull = usedAfterGc(memory);
					}
				}
				if (i % SAMPLE_EVERY == 0) {
					peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
					maxQueued = Math.max(maxQueued, mutex.stats().queued());
				}
			}
			last.join();
			return new MemoryReport(IDLE_MUTEXES, bytesPerIdleMutex, threadsBefore, threadsAfter,
					OVERLOAD_OPERATIONS, accepted, rejected, mutex.options().maxQueuedOperations(), maxQueued,
					baseline, peak, retainedWhenFull, Runtime.getRuntime().maxMemory());
		}
	}

	private static long usedAfterGc(MemoryMXBean memory) {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	/**
	 * The memory figures.
	 * @param idleMutexes how many idle mutexes were created
	 * @param bytesPerIdleMutex heap retained per idle mutex
	 * @param threadsBefore live threads before creating them
	 * @param threadsAfter live threads after
	 * @param issued operations issued at once in the overload probe
	 * @param accepted operations the mutex queued
	 * @param rejected operations refused with an overload exception
	 * @param queueLimit the mutex's queue limit
	 * @param maxQueued the most operations seen queued
	 * @param baselineHeap heap used after GC before the overload
	 * @param peakHeap the highest heap use sampled during it (garbage included)
	 * @param retainedWhenFull heap used after GC once the queue was full (-1 if it never was)
	 * @param maxHeap the JVM's maximum heap
	 */
	record MemoryReport(int idleMutexes, double bytesPerIdleMutex, int threadsBefore, int threadsAfter, long issued,
			long accepted, long rejected, int queueLimit, int maxQueued, long baselineHeap, long peakHeap,
			long retainedWhenFull, long maxHeap) {

	}

}
