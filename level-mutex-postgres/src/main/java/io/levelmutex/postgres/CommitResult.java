package io.levelmutex.postgres;

import java.util.List;
import java.util.UUID;

/**
 * The outcome of a committed batch.
 *
 * @param batchId the batch's id
 * @param sequence the keyspace sequence the batch committed as; when nothing was left to apply (every write
 * belonged to a rejected unit) no sequence is taken and this is the keyspace's current sequence
 * @param committed whether a transaction committed (false only when nothing was left to apply)
 * @param rejected the units left out, in batch order
 */
record CommitResult(UUID batchId, long sequence, boolean committed, List<RejectedUnit> rejected) {

	CommitResult {
		rejected = List.copyOf(rejected);
	}

}
