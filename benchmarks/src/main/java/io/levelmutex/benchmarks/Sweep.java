package io.levelmutex.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One pass over every point of a {@link SweepPlan}: for each workload, configuration and
 * concurrency level, each contender on a fresh data directory, one after the other in this
 * process. W2 runs are verified after they drain: the revisions found in the store must add
 * up to the successful updates counted.
 *
 * <p>In W1 the mutex and the RocksDB limit (issue 22's definition: RocksDB's own write call with
 * batches of C entries built before the run) run next to each other, the mutex first in odd runs
 * and the limit first in even runs, so that whatever drifts on the machine does not always favour
 * the same side; then the loop that fills each batch while timed (fed the mean batch size the
 * mutex just measured), the observed mutex if asked for, and the raw per-operation puts.
 * {@link #warmUp()} runs the mutex and the limit at every W1 point once, unrecorded, for the JIT.
 * W2 runs the hand-rolled get/check/put pattern next to {@code update()}.
 */
public final class Sweep {

	/** Labels of the workloads in results. */
	static final String W1_DURABLE = "W1 blind writes, durable";

	static final String W1_NON_DURABLE = "W1 blind writes, non-durable";

	static final String W3_DURABLE = "W3 90% get / 10% put, durable";

	static final String W3_NON_DURABLE = "W3 90% get / 10% put, non-durable";

	static String w2Label(int keyCount, boolean durable) {
		return "W2 read-check-write, " + (keyCount / 1000) + "k keys, " + (durable ? "durable" : "non-durable");
	}

	private final SweepPlan plan;

	private final ClosedLoopDriver driver;

	private final Consumer<RunResult> progress;

	private final int runNumber;

	// Whether W1 and W2 also run the mutex traced through a no-op ObservationRegistry.
	private final boolean observed;

	// The mutex's mean batch size per W1 point, kept across runs; used by one thread at a time.
	private final Map<String, Integer> mutexBatchSizes;

	// Which durabilities run: durable first, then non-durable, each only if listed; immutable.
	private final boolean[] durabilities;

	Sweep(SweepPlan plan, Consumer<RunResult> progress) {
		this(plan, progress, 1, new HashMap<>(), false);
	}

	/**
	 * Creates one run of a series.
	 * @param plan the points
	 * @param progress called with each result
	 * @param runNumber the run's number in the series, from 1
	 * @param mutexBatchSizes the mutex's mean batch sizes measured by earlier runs of the
	 * series, updated by this one
	 * @param observed whether W1 and W2 also run the mutex traced through a no-op
	 * ObservationRegistry, right after the plain mutex
	 */
	Sweep(SweepPlan plan, Consumer<RunResult> progress, int runNumber, Map<String, Integer> mutexBatchSizes,
			boolean observed) {
		this(plan, progress, runNumber, mutexBatchSizes, observed, true, true);
	}

	/**
	 * Creates one run of a series that runs only some durabilities.
	 * @param plan the points
	 * @param progress called with each result
	 * @param runNumber the run's number in the series, from 1
	 * @param mutexBatchSizes as {@link #Sweep(SweepPlan, Consumer, int, Map, boolean)}
	 * @param observed as {@link #Sweep(SweepPlan, Consumer, int, Map, boolean)}
	 * @param durable whether the durable points run
	 * @param nonDurable whether the non-durable points run
	 */
	Sweep(SweepPlan plan, Consumer<RunResult> progress, int runNumber, Map<String, Integer> mutexBatchSizes,
			boolean observed, boolean durable, boolean nonDurable) {
		this.durabilities = durable ? (nonDurable ? new boolean[] { true, false } : new boolean[] { true })
				: (nonDurable ? new boolean[] { false } : new boolean[0]);
		this.observed = observed;
		this.plan = plan;
		this.driver = new ClosedLoopDriver(plan.warmup(), plan.measurement());
		this.progress = progress;
		this.runNumber = runNumber;
		this.mutexBatchSizes = mutexBatchSizes;
	}

	/**
	 * Runs every point.
	 * @return one result per contender and point, in the order run
	 * @throws Exception if a contender cannot be set up or a run fails to drain
	 */
	List<RunResult> run() throws Exception {
		List<RunResult> results = new ArrayList<>();
		if (!this.plan.w1Clients().isEmpty()) {
			Workload w1 = Workload.blindWrites(SweepPlan.LARGE_KEYSPACE, SweepPlan.SEED);
			for (boolean durable : this.durabilities) {
				String label = durable ? W1_DURABLE : W1_NON_DURABLE;
				for (int clients : this.plan.w1Clients()) {
					String point = label + "|" + clients;
					RunResult mutex;
					if (this.runNumber % 2 == 0) {
						measure(label, new PrebuiltBatchContender(w1, durable, clients, clients), w1, clients, results);
						mutex = measure(label, new MutexContender(w1, durable), w1, clients, results);
					}
					else {
						mutex = measure(label, new MutexContender(w1, durable), w1, clients, results);
						measure(label, new PrebuiltBatchContender(w1, durable, clients, clients), w1, clients, results);
					}
					int batch = (int) Math.round(mutex.meanBatch());
					this.mutexBatchSizes.put(point, batch);
					measure(label, new RawBatchContender(w1, durable, clients, batch), w1, clients, results);
					if (this.observed) {
						measure(label, new MutexContender(w1, durable, true), w1, clients, results);
					}
					measure(label, new RawPutContender(w1, durable), w1, clients, results);
				}
			}
		}
		for (int keyCount : this.plan.w2KeyCounts()) {
			Workload w2 = Workload.readCheckWrite(keyCount, SweepPlan.SEED);
			for (boolean durable : this.durabilities) {
				readCheckWrite(w2, durable, durable ? this.plan.w2Clients() : this.plan.w2NonDurableClients(), results);
			}
		}
		if (!this.plan.w3Clients().isEmpty()) {
			Workload w3 = Workload.mixed(SweepPlan.LARGE_KEYSPACE, SweepPlan.SEED);
			for (boolean durable : this.durabilities) {
				String label = durable ? W3_DURABLE : W3_NON_DURABLE;
				for (int clients : this.plan.w3Clients()) {
					measure(label, new MutexContender(w3, durable), w3, clients, results);
					measure(label, new ReadWriteLockContender(w3, durable), w3, clients, results);
					measure(label, new RawPutContender(w3, durable), w3, clients, results);
				}
			}
		}
		return results;
	}

	/**
	 * One unrecorded pass over the W1 points of the plan: the mutex and the limit at each, for the JIT (the first
	 * pass after a JVM start runs the mutex at less than half its later rate).
	 * @throws Exception if a contender cannot be set up or a run fails to drain
	 */
	void warmUp() throws Exception {
		warmUp(this.driver);
	}

	/**
	 * As {@link #warmUp()}, each contender run for the given time instead of the plan's windows (the cycle's
	 * write-phase method reached C2 only after some 15-40 s of a JVM in series X, and C2 code can be deoptimized
	 * at a run's end and compiled again).
	 * @param each how long each contender runs at each point
	 * @throws Exception if a contender cannot be set up or a run fails to drain
	 */
	void warmUp(java.time.Duration each) throws Exception {
		warmUp(new ClosedLoopDriver(each, java.time.Duration.ofMillis(100)));
	}

	private void warmUp(ClosedLoopDriver driver) throws Exception {
		Workload w1 = Workload.blindWrites(SweepPlan.LARGE_KEYSPACE, SweepPlan.SEED);
		for (boolean durable : this.durabilities) {
			for (int clients : this.plan.w1Clients()) {
				try (Contender mutex = new MutexContender(w1, durable)) {
					driver.run("warm-up", mutex, w1, clients, new Tally());
				}
				try (Contender limit = new PrebuiltBatchContender(w1, durable, clients, clients)) {
					driver.run("warm-up", limit, w1, clients, new Tally());
				}
			}
		}
	}

	private void readCheckWrite(Workload w2, boolean durable, List<Integer> clientLevels, List<RunResult> results)
			throws Exception {
		String label = w2Label(w2.keyCount(), durable);
		for (int clients : clientLevels) {
			if (this.observed && this.runNumber % 2 == 0) {
				measure(label, new MutexContender(w2, durable, true), w2, clients, results);
			}
			measure(label, new MutexContender(w2, durable), w2, clients, results);
			if (this.observed && this.runNumber % 2 == 1) {
				measure(label, new MutexContender(w2, durable, true), w2, clients, results);
			}
			measure(label, new HandRolledCasContender(w2, durable), w2, clients, results);
			measure(label, new OptimisticTransactionContender(w2, durable), w2, clients, results);
			measure(label, new ReadWriteLockContender(w2, durable), w2, clients, results);
		}
	}

	private RunResult measure(String label, Contender contender, Workload workload, int clients,
			List<RunResult> results) throws Exception {
		RunResult result;
		try (contender) {
			Tally tally = new Tally();
			result = this.driver.run(label, contender, workload, clients, tally);
			if (workload.kind() == Workload.Kind.READ_CHECK_WRITE) {
				result = result.withLostUpdates(lostUpdates(contender, workload, tally));
			}
			Throwable failure = tally.firstFailure();
			if (failure != null) {
				System.err.println("[" + label + " / " + contender.name() + " / C=" + clients + "] "
						+ tally.failures() + " operations failed, first: " + failure);
			}
		}
		results.add(result);
		this.progress.accept(result);
		return result;
	}

	/**
	 * Counts updates lost (or invented): every key starts at revision 0 and every successful
	 * update adds exactly 1, so the revisions must add up to the successes.
	 * @param contender the quiesced contender
	 * @param workload the W2 workload
	 * @param tally the run's counters
	 * @return successes minus the sum of stored revisions; 0 when nothing was lost
	 * @throws Exception if a read fails
	 */
	public static long lostUpdates(Contender contender, Workload workload, Tally tally) throws Exception {
		long sum = 0;
		for (int i = 0; i < workload.keyCount(); i++) {
			byte @Nullable [] value = contender.readForVerification(workload.keyAt(i));
			if (value != null) {
				sum += Workload.Revisions.of(value);
			}
		}
		return tally.successes() - sum;
	}

}
