package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyspaceStorage;

/**
 * What the engine-level tests of remote changes share: a batch of plain writes committed straight to a storage,
 * and the sequences of the remote-change ranges a watcher collected.
 */
final class EngineCommits {

	private EngineCommits() {
	}

	/**
	 * Commits the writes as one batch without updates.
	 * @param storage the storage
	 * @param operations the writes, in order
	 * @return the commit's result
	 */
	static CommitResult commitWrites(KeyspaceStorage storage, WriteOperation... operations) {
		List<WriteOperation> writes = List.of(operations);
		return storage.commit(new EngineBatch(1, writes, writes.stream().map(WriteOperation::key).toList(), List.of()));
	}

	/**
	 * @param ranges remote-change ranges as {@code {from, to}} (both inclusive), in delivery order
	 * @return every sequence of the ranges, in order (a sequence delivered twice appears twice)
	 */
	static List<Long> delivered(Queue<long[]> ranges) {
		List<Long> sequences = new ArrayList<>();
		for (long[] range : ranges) {
			for (long s = range[0]; s <= range[1]; s++) {
				sequences.add(s);
			}
		}
		return sequences;
	}

}
