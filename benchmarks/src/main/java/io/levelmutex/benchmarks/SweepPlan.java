package io.levelmutex.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * What one sweep measures and for how long: the concurrency levels of each workload and the
 * warm-up and measurement window of every point.
 *
 * @param w1Clients concurrency levels of W1 (blind writes), each durable and not
 * @param w2Clients concurrency levels of W2 (read-check-write), durable, per keyspace
 * @param w2KeyCounts keyspace sizes of W2
 * @param w2NonDurableClients concurrency levels of the non-durable W2 points
 * @param w3Clients concurrency levels of W3 (mixed), durable and not
 * @param warmup warm-up of each point
 * @param measurement measurement window of each point
 */
public record SweepPlan(List<Integer> w1Clients, List<Integer> w2Clients, List<Integer> w2KeyCounts,
		List<Integer> w2NonDurableClients, List<Integer> w3Clients, Duration warmup, Duration measurement) {

	/** Keys of W1 and W3. */
	public static final int LARGE_KEYSPACE = 100_000;

	/** The seed of every workload: the same keys and values for every contender and run. */
	public static final long SEED = 20_261_126L;

	/**
	 * The full sweep of issue 6.
	 * @return the plan
	 */
	static SweepPlan full() {
		return new SweepPlan(List.of(1, 4, 16, 64, 256, 1024), List.of(1, 16, 256), List.of(10_000, 1_000),
				List.of(16, 256), List.of(256), Duration.ofMillis(800), Duration.ofMillis(1600));
	}

	/**
	 * The quick sweep: the points the figure targets need, with short windows.
	 * @return the plan
	 */
	static SweepPlan quick() {
		return new SweepPlan(List.of(1, 256, 1024), List.of(256), List.of(10_000, 1_000), List.of(16, 256),
				List.of(256), Duration.ofMillis(400), Duration.ofMillis(800));
	}

	/**
	 * A tiny plan for tests: W2 only, short windows.
	 * @param clients the concurrency
	 * @param keyCount the keyspace
	 * @return the plan
	 */
	static SweepPlan tinyReadCheckWrite(int clients, int keyCount) {
		return new SweepPlan(List.of(), List.of(clients), List.of(keyCount), List.of(), List.of(),
				Duration.ofMillis(100), Duration.ofMillis(200));
	}

}
