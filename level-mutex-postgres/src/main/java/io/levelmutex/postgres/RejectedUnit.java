package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeyFormat;

/**
 * The first unit of a batch that failed validation: the batch was applied up to the unit's first write.
 *
 * @param unit the unit's index in {@link Batch#units()}
 * @param reason why
 * @param key the key of the conflict (null when the unit's snapshot is older than the tombstone horizon)
 */
record RejectedUnit(int unit, Reason reason, byte @Nullable [] key) {

	/** Why a unit was rejected. */
	enum Reason {

		/** A key the unit read was written since its snapshot. */
		KEY_READ,

		/** A key the unit writes was written since its snapshot. */
		KEY_WRITTEN,

		/** A key in a span the unit examined was inserted, changed or deleted since its snapshot. */
		SPAN,

		/** The unit's snapshot is older than the tombstone clean-up horizon: deletes it may have missed are gone. */
		SNAPSHOT_TOO_OLD

	}

	@Override
	public String toString() {
		return "unit " + this.unit + " " + this.reason + (this.key == null ? "" : " " + KeyFormat.abbreviate(this.key));
	}

}
