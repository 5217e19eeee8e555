package io.levelmutex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cases of level-mutex 0.7.1's own test.js, ported: reads before writes see nothing,
 * reads after see the writes, peekLast with an end, peekFirst with a start, a per-call JSON
 * codec round trip, and del.
 */
class OriginalSuiteTest {

	private static final List<String> DOCUMENTS = List.of("test1", "test2", "test3", "test4", "test5", "test6");

	private final ManualMutex fixture = new ManualMutex("original");

	private final ManualExecutor executor = this.fixture.executor;

	private final Mutex<String, String> mutex = this.fixture.mutex;

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenReadsAndWritesIssuedTogetherThenReadsSeeStateBeforeAndLaterReadsSeeWrites() {
		List<CompletableFuture<Optional<String>>> before = new ArrayList<>();
		for (String key : DOCUMENTS) {
			before.add(this.mutex.get(key));
		}
		List<CompletableFuture<Void>> writes = new ArrayList<>();
		for (String key : DOCUMENTS) {
			writes.add(this.mutex.put(key, "1"));
		}
		this.executor.runAll();
		assertThat(before).allSatisfy((read) -> assertThat(read).isCompletedWithValue(Optional.empty()));
		assertThat(writes).allSatisfy((write) -> assertThat(write).isCompleted());

		List<CompletableFuture<Optional<String>>> after = new ArrayList<>();
		for (String key : DOCUMENTS) {
			after.add(this.mutex.get(key));
		}
		this.executor.runAll();
		int sum = 0;
		for (CompletableFuture<Optional<String>> read : after) {
			sum += Integer.parseInt(read.join().orElseThrow());
		}
		assertThat(sum).isEqualTo(DOCUMENTS.size());
	}

	@Test
	void whenPeekLastWithEndThenLastKeyAtOrBeforeEnd() {
		writeAll();
		CompletableFuture<Optional<Entry<String, String>>> last = this.mutex.peekLast(KeyRange.atMost("test3"));
		this.executor.runAll();
		assertThat(last.join()).contains(new Entry<>("test3", "1"));
	}

	@Test
	void whenPeekFirstWithStartThenFirstKeyAtOrAfterStart() {
		writeAll();
		CompletableFuture<Optional<Entry<String, String>>> first = this.mutex.peekFirst(KeyRange.atLeast("test4"));
		this.executor.runAll();
		assertThat(first.join()).contains(new Entry<>("test4", "1"));
	}

	@Test
	void whenPerCallJsonCodecThenValueRoundTripsAndDelRemovesIt() {
		Map<String, Object> doc = Map.of("tasty", true);
		@SuppressWarnings("unchecked")
		Class<Map<String, Object>> type = (Class<Map<String, Object>>) (Class<?>) Map.class;
		CompletableFuture<Void> put = this.mutex.put("tacos", doc, Codecs.json(type));
		this.executor.runAll();
		assertThat(put).isCompleted();
		CompletableFuture<Optional<Map<String, Object>>> read = this.mutex.get("tacos", Codecs.json(type));
		CompletableFuture<Optional<byte[]>> raw = this.mutex.get("tacos", Codecs.bytes());
		this.executor.runAll();
		assertThat(read.join()).contains(doc);
		assertThat(new String(raw.join().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("{\"tasty\":true}");

		CompletableFuture<Void> del = this.mutex.del("tacos");
		this.executor.runAll();
		assertThat(del).isCompleted();
		CompletableFuture<Optional<String>> gone = this.mutex.get("tacos");
		this.executor.runAll();
		assertThat(gone).isCompletedWithValue(Optional.empty());
	}

	private void writeAll() {
		for (String key : DOCUMENTS) {
			this.mutex.put(key, "1");
		}
		this.executor.runAll();
	}

}
