package io.levelmutex;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a generated program drives: the real mutex ({@link RecordingMutexTarget}) or the
 * sequential model ({@link ModelMutex}). Both return futures completed by their cycle, so
 * the same program, with the same callbacks, runs on either.
 */
interface GuaranteeTarget {

	CompletableFuture<Optional<String>> get(String key);

	CompletableFuture<Optional<Entry<String, String>>> peekFirst(KeyRange<String> range);

	CompletableFuture<Optional<Entry<String, String>>> peekLast(KeyRange<String> range);

	CompletableFuture<List<Entry<String, String>>> scan(KeyRange<String> range, int limit, boolean reverse);

	CompletableFuture<Void> put(String key, String value);

	CompletableFuture<Void> del(String key);

	CompletableFuture<String> update(UpdateFunction<String, String, String> function);

	CompletableFuture<Void> afterWrite();

	void closeAsync();

	/** Read phases started so far; a callback of a read sees the number of its own phase. */
	long readPhases();

	/** Runs cycles until nothing is queued. */
	void runCycles();

}
