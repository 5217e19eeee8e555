package io.levelmutex.benchmarks;

/**
 * A contender that writes batches of a fixed size from one thread: its batch size is reported
 * as its mean batch, and its latency (one write call) as its write time per batch.
 */
interface FixedBatch {

	/**
	 * Operations per write call.
	 * @return the batch size
	 */
	int batchSize();

}
