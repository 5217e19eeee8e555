package io.levelmutex.benchmarks;

/**
 * What one closed-loop run of one contender measured, over its measurement window.
 *
 * @param workload the workload's label, e.g. {@code W1 durable}
 * @param contender the contender's name
 * @param clients the number of logical clients (C)
 * @param opsPerSecond completed operations (successes and conflicts) per second
 * @param successesPerSecond successful operations per second
 * @param meanMicros mean latency of an operation, in microseconds
 * @param p50Micros median latency
 * @param p99Micros 99th percentile latency
 * @param p999Micros 99.9th percentile latency
 * @param conflicts conflicts counted in the whole run (warm-up included)
 * @param failures failed operations in the whole run
 * @param meanBatch mean writes per batch in the window (mutex and raw batch only, else 0)
 * @param meanReadPhase mean reads per read phase in the window (mutex only, else 0)
 * @param meanBatchWriteMicros mean time of RocksDB's write call per batch in the window
 * (mutex: from its flush events; raw WriteBatch: its latency; else 0)
 * @param lostUpdates W2 only: successful updates minus the revisions found in the store
 * after the run (0 when nothing was lost), or -1 when not verified
 */
public record RunResult(String workload, String contender, int clients, double opsPerSecond, double successesPerSecond,
		double meanMicros, double p50Micros, double p99Micros, double p999Micros, long conflicts, long failures,
		double meanBatch, double meanReadPhase, double meanBatchWriteMicros, long lostUpdates) {

	/**
	 * This result with its lost updates.
	 * @param lost successes minus the revisions found
	 * @return a copy
	 */
	public RunResult withLostUpdates(long lost) {
		return new RunResult(this.workload, this.contender, this.clients, this.opsPerSecond, this.successesPerSecond,
				this.meanMicros, this.p50Micros, this.p99Micros, this.p999Micros, this.conflicts, this.failures,
				this.meanBatch, this.meanReadPhase, this.meanBatchWriteMicros, lost);
	}

}
