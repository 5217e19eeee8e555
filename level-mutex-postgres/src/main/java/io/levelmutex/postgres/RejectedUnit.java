package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * A unit left out of a committed batch.
 *
 * @param unit the unit's id
 * @param reason why
 * @param key the key of the conflict (for a dependency, the key that rejected the unit depended on; null when
 * the unit's snapshot is older than the tombstone horizon)
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

		/** The unit read the writes of a rejected unit of the same batch. */
		DEPENDENCY,

		/** The unit's snapshot is older than the tombstone clean-up horizon: deletes it may have missed are gone. */
		SNAPSHOT_TOO_OLD

	}

	@Override
	public String toString() {
		return "unit " + this.unit + " " + this.reason + (this.key == null ? "" : " " + KeyFormat.abbreviate(this.key));
	}

}
