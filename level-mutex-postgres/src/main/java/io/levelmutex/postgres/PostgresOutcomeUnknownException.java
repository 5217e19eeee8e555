package io.levelmutex.postgres;

import java.util.UUID;

import io.levelmutex.CommitOutcomeUnknownException;

/**
 * The connection was lost while a batch's COMMIT was in flight and the batch log could not tell whether it
 * committed (the server stayed unreachable, or the batch's transaction still held the keyspace lock, during
 * the bounded wait). The batch either committed as a whole (its applied prefix) or not at all;
 * {@link #batchId()} can be looked up later. Reaches users as the core's {@link CommitOutcomeUnknownException}.
 */
final class PostgresOutcomeUnknownException extends CommitOutcomeUnknownException {

	private static final long serialVersionUID = 1L;

	private final UUID batchId;

	PostgresOutcomeUnknownException(String message, UUID batchId, Throwable cause) {
		super(message, cause);
		this.batchId = batchId;
	}

	/**
	 * The id of the batch whose outcome is unknown.
	 * @return the batch id, as recorded in the batch log if it committed
	 */
	UUID batchId() {
		return this.batchId;
	}

}
