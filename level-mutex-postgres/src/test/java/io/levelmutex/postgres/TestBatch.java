package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.levelmutex.EngineTestOperations;
import io.levelmutex.WriteOperation;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.UpdateFootprint;

/**
 * A batch as the storage tests write it: writes in order and the footprints of the updates, each naming the keys
 * it writes (checked against the batch's writes), and the id the batch log records. Builds the SPI's
 * {@link EngineBatch} the committer takes.
 *
 * @param id the batch id
 * @param batch the batch
 */
record TestBatch(UUID id, EngineBatch batch) {

	/**
	 * An update's footprint as the tests write it.
	 *
	 * @param firstOp the index of its first write
	 * @param snapshotSequence its snapshot's sequence
	 * @param readKeys keys it read
	 * @param spans spans it examined
	 * @param writtenKeys the keys of its writes, from {@code firstOp} on
	 */
	record Unit(int firstOp, long snapshotSequence, List<byte[]> readKeys, List<KeySpan> spans,
			List<byte[]> writtenKeys) {
	}

	static WriteOperation put(byte[] key, byte[] value) {
		return EngineTestOperations.put(key, value);
	}

	static WriteOperation del(byte[] key) {
		return EngineTestOperations.del(key);
	}

	static TestBatch of(List<WriteOperation> ops) {
		return of(ops, List.of());
	}

	static TestBatch of(List<WriteOperation> ops, List<Unit> units) {
		List<UpdateFootprint> updates = new ArrayList<>(units.size());
		for (Unit unit : units) {
			for (int i = 0; i < unit.writtenKeys().size(); i++) {
				int op = unit.firstOp() + i;
				if (op >= ops.size() || !Arrays.equals(ops.get(op).key(), unit.writtenKeys().get(i))) {
					throw new IllegalArgumentException("Written key " + i + " of a unit is not write " + op);
				}
			}
			updates.add(new UpdateFootprint(unit.firstOp(), unit.writtenKeys().size(), unit.snapshotSequence(),
					unit.readKeys(), unit.spans()));
		}
		return new TestBatch(UUID.randomUUID(),
				new EngineBatch(1, ops, ops.stream().map(WriteOperation::key).toList(), updates));
	}

}
