package io.levelmutex.benchmarks;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * One way of executing a workload, set up on its own fresh data directory for one run.
 * Exactly one of {@link Blocking} or {@link Async} is implemented.
 */
public sealed interface Contender extends AutoCloseable permits Contender.Blocking, Contender.Async {

	/**
	 * The contender's label in tables and charts.
	 * @return the label
	 */
	String name();

	/**
	 * Reads a key's current value directly, after the run has quiesced (for verification).
	 * @param key the key
	 * @return the value, or {@code null} if absent
	 * @throws Exception if the read fails
	 */
	byte @Nullable [] readForVerification(byte[] key) throws Exception;

	/**
	 * The mutex's cumulative phase counters, for contenders that have phases.
	 * @return the counters, or {@code null} for contenders without phases
	 */
	default @Nullable PhaseCounters phaseCounters() {
		return null;
	}

	/** Closes the store and deletes its directory; called once the run has drained. */
	@Override
	void close();

	/** A contender executed by client threads that block on each operation. */
	non-sealed interface Blocking extends Contender {

		/**
		 * How many threads drive {@code clients} logical clients.
		 * @param clients the logical clients
		 * @return the threads; one per client unless the contender batches on its own
		 */
		default int threads(int clients) {
			return clients;
		}

		/**
		 * Executes the stream's next operation (or operations) and records the outcome.
		 * @param stream the client's stream, to advance with {@link Workload.Stream#next()}
		 * @param tally where to count successes and conflicts
		 * @return how many operations were executed
		 * @throws Exception if the operation fails
		 */
		int execute(Workload.Stream stream, Tally tally) throws Exception;

	}

	/** A contender whose operations complete asynchronously. */
	non-sealed interface Async extends Contender {

		/**
		 * Issues the stream's next operation; the future completes once it has completed
		 * and its outcome is counted in {@code tally}. Failures are also counted there, so
		 * the future never completes exceptionally.
		 * @param stream the client's stream, to advance with {@link Workload.Stream#next()}
		 * @param tally where to count the outcome
		 * @return completes when the operation has
		 */
		CompletableFuture<?> execute(Workload.Stream stream, Tally tally);

	}

	/**
	 * Cumulative counts of a mutex's read phases and batches.
	 * @param readPhases read phases run
	 * @param reads reads run in them
	 * @param batches batches written
	 * @param writes writes in those batches
	 * @param writeNanos time spent in RocksDB's write call for those batches
	 */
	record PhaseCounters(long readPhases, long reads, long batches, long writes, long writeNanos) {

		/**
		 * The counts since an earlier reading.
		 * @param earlier the earlier reading
		 * @return this minus {@code earlier}
		 */
		public PhaseCounters minus(PhaseCounters earlier) {
			return new PhaseCounters(this.readPhases - earlier.readPhases, this.reads - earlier.reads,
					this.batches - earlier.batches, this.writes - earlier.writes,
					this.writeNanos - earlier.writeNanos);
		}

		/** @return the mean write time per batch, in microseconds (0 without batches) */
		public double meanWriteMicros() {
			return (this.batches != 0) ? this.writeNanos / 1e3 / this.batches : 0;
		}

		/** @return the mean writes per batch (0 without batches) */
		public double meanBatch() {
			return (this.batches != 0) ? (double) this.writes / this.batches : 0;
		}

		/** @return the mean reads per read phase (0 without read phases) */
		public double meanReadPhase() {
			return (this.readPhases != 0) ? (double) this.reads / this.readPhases : 0;
		}

	}

}
