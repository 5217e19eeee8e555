package io.levelmutex.postgres;

import java.util.List;
import java.util.UUID;

/**
 * One batch to commit atomically to a keyspace: ordered writes (the last write of a key wins) and the
 * footprints of the update units whose writes it carries, ordered by their first write.
 *
 * @param id the batch id recorded in the batch log (for outcome-unknown resolution)
 * @param ops the writes, in issue order
 * @param units the footprints of the units, in batch order
 */
record Batch(UUID id, List<BatchOp> ops, List<UnitFootprint> units) {

	Batch {
		ops = List.copyOf(ops);
		units = List.copyOf(units);
	}

	static Batch of(List<BatchOp> ops) {
		return new Batch(UUID.randomUUID(), ops, List.of());
	}

	static Batch of(List<BatchOp> ops, List<UnitFootprint> units) {
		return new Batch(UUID.randomUUID(), ops, units);
	}

}
