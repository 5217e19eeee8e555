package io.levelmutex.benchmarks.postgres;

import java.time.Duration;
import java.util.List;

/**
 * What one run of series P measures: the concurrency levels of W1 and W2, W2's keyspace, the contenders and
 * each point's windows.
 *
 * @param w1Clients concurrency levels of W1 (blind writes into 100k keys)
 * @param w2Clients concurrency levels of W2 (read-check-write)
 * @param w2Keys W2's keyspace
 * @param contenders the contenders, in the order odd runs run them (even runs reverse it)
 * @param warmup warm-up of each point
 * @param measurement measurement window of each point
 */
record PgPlan(List<Integer> w1Clients, List<Integer> w2Clients, int w2Keys, List<PgContenderKind> contenders,
		Duration warmup, Duration measurement) {

	/**
	 * The full plan of issue 11: W1 at C = 1, 16, 256, W2 on 1k keys at C = 256.
	 * @param contenders the contenders
	 * @return the plan
	 */
	static PgPlan full(List<PgContenderKind> contenders) {
		return new PgPlan(List.of(1, 16, 256), List.of(256), 1000, contenders, Duration.ofSeconds(2),
				Duration.ofSeconds(5));
	}

	/**
	 * The smoke run: the same points, short windows.
	 * @param contenders the contenders
	 * @return the plan
	 */
	static PgPlan quick(List<PgContenderKind> contenders) {
		return new PgPlan(List.of(1, 16, 256), List.of(256), 1000, contenders, Duration.ofMillis(500),
				Duration.ofMillis(1000));
	}

	PgPlan withClients(List<Integer> w1, List<Integer> w2) {
		return new PgPlan(w1, w2, this.w2Keys, this.contenders, this.warmup, this.measurement);
	}

}
