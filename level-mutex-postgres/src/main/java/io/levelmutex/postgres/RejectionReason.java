package io.levelmutex.postgres;

/**
 * Why commit-time validation rejected an update, as the commit function reports it and the batch log records
 * it ({@code rejected_reason}).
 */
enum RejectionReason {

	/** A key the update read was written since its snapshot. */
	KEY_READ,

	/** A key the update writes was written since its snapshot. */
	KEY_WRITTEN,

	/** A key in a span the update examined was inserted, changed or deleted since its snapshot. */
	SPAN,

	/** The update's snapshot is older than the tombstone clean-up horizon: deletes it may have missed are gone. */
	SNAPSHOT_TOO_OLD

}
