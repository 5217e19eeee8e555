package io.levelmutex;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;


import io.levelmutex.codec.Codecs;

/**
 * The real mutex under test: a string mutex on a temporary store whose cycles run on a
 * {@link ManualExecutor} (so "the same instant" is deterministic), with a
 * {@link BatchRecorder} as listener and batch interceptor.
 */
final class RecordingMutexTarget implements GuaranteeTarget, AutoCloseable {

	static final String NAME = "g";

	final ManualExecutor executor = new ManualExecutor();

	final BatchRecorder recorder;

	final TempStore temp;

	final Mutex<String, String> mutex;

	RecordingMutexTarget(MutexOptions.Builder options, BatchRecorder recorder) {
		this.recorder = recorder;
		this.temp = TempStore.open((builder) -> builder.batchInterceptor(recorder));
		this.mutex = this.temp.store.mutex(options.executor(this.executor).build(), Codecs.utf8(), Codecs.utf8());
		this.mutex.addListener(recorder);
	}

	@Override
	public CompletableFuture<Optional<String>> get(String key) {
		return this.mutex.get(key);
	}

	@Override
	public CompletableFuture<Optional<Entry<String, String>>> peekFirst(KeyRange<String> range) {
		return this.mutex.peekFirst(range);
	}

	@Override
	public CompletableFuture<Optional<Entry<String, String>>> peekLast(KeyRange<String> range) {
		return this.mutex.peekLast(range);
	}

	@Override
	public CompletableFuture<List<Entry<String, String>>> scan(KeyRange<String> range, int limit, boolean reverse) {
		return this.mutex.scan(range, limit, reverse);
	}

	@Override
	public CompletableFuture<Void> put(String key, String value) {
		return this.mutex.put(key, value);
	}

	@Override
	public CompletableFuture<Void> del(String key) {
		return this.mutex.del(key);
	}

	@Override
	public CompletableFuture<String> update(UpdateFunction<String, String, String> function) {
		return this.mutex.update(function);
	}

	@Override
	public CompletableFuture<Void> afterWrite() {
		return this.mutex.afterWrite();
	}

	@Override
	public void closeAsync() {
		this.mutex.closeAsync();
	}

	@Override
	public long readPhases() {
		return this.recorder.readPhases();
	}

	@Override
	public void runCycles() {
		this.executor.runAll();
	}

	/** What the engine holds in the mutex's keyspace, read directly, past the mutex. */
	Map<String, String> stored() {
		return this.temp.engine.contents(NAME);
	}

	@Override
	public void close() {
		this.mutex.closeAsync();
		this.executor.runAll();
		this.temp.close();
	}

}
