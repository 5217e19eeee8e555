package io.levelmutex.postgres;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a batch.
 *
 * @param batchId the batch's id
 * @param sequence the keyspace sequence the batch committed as; when nothing was applied (the first unit at
 * the very start of the batch was rejected) no sequence is taken and this is the keyspace's current sequence
 * @param committed whether a transaction committed (false only when nothing was applied)
 * @param appliedOps how many writes, from the first, were applied: all, or those before the rejected unit
 * @param rejected the first rejected unit, which truncated the batch, or null
 */
record CommitResult(UUID batchId, long sequence, boolean committed, int appliedOps, @Nullable RejectedUnit rejected) {

}
