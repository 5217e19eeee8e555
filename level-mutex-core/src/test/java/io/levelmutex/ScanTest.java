package io.levelmutex;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.CodecException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Mutex#scan}: range listings from the read phase's snapshot. */
class ScanTest {

	private final ManualMutex fixture = new ManualMutex("scan");

	private final Mutex<String, String> mutex = this.fixture.mutex;

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenScanningThenEntriesComeInKeyOrderWithinBoundsAndLimit() {
		write("a", "b", "c", "d", "e");
		assertThat(keys(scan(KeyRange.all(), 10, false))).containsExactly("a", "b", "c", "d", "e");
		assertThat(keys(scan(KeyRange.greaterThan("a"), 2, false))).containsExactly("b", "c");
		assertThat(keys(scan(KeyRange.closedOpen("b", "e"), 10, true))).containsExactly("d", "c", "b");
		assertThat(keys(scan(KeyRange.atMost("c"), 2, true))).containsExactly("c", "b");
		assertThat(scan(KeyRange.closed("d", "b"), 10, false)).isEmpty();
		assertThat(scan(KeyRange.atLeast("f"), 10, true)).isEmpty();
		assertThat(scan(KeyRange.all(), 1, false)).containsExactly(new Entry<>("a", "a"));
	}

	@Test
	void whenScanIssuedWithWritesThenItSeesTheStateBeforeThem() {
		write("a");
		this.mutex.put("b", "b");
		CompletableFuture<List<Entry<String, String>>> scan = this.mutex.scan(KeyRange.all(), 10);
		this.fixture.runCycles();
		assertThat(keys(scan.join())).containsExactly("a");
		assertThat(keys(scan(KeyRange.all(), 10, false))).containsExactly("a", "b");
	}

	@Test
	void whenNeighbourMutexHasKeysThenScanNeverReturnsThem() {
		Mutex<String, String> neighbour = this.fixture.temp.store.mutex(
				MutexOptions.builder("scan2").executor(this.fixture.executor).build(), Codecs.utf8(), Codecs.utf8());
		neighbour.put("a", "other");
		neighbour.put("z", "other");
		write("m");
		assertThat(scan(KeyRange.all(), 10, false)).containsExactly(new Entry<>("m", "m"));
		assertThat(scan(KeyRange.all(), 10, true)).containsExactly(new Entry<>("m", "m"));
		neighbour.closeAsync();
	}

	@Test
	void whenLimitBelowOneThenRefusedAtTheCall() {
		assertThatThrownBy(() -> this.mutex.scan(KeyRange.all(), 0)).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("'scan'")
			.hasMessageContaining("at least 1");
	}

	@Test
	void whenAValueDoesNotDecodeThenOnlyThatScanFails() {
		write("a");
		Mutex<String, Integer> numbers = this.mutex.withCodecs(Codecs.utf8(), new Codec<>() {
			@Override
			public byte[] encode(Integer value) {
				return value.toString().getBytes();
			}

			@Override
			public Integer decode(byte[] bytes) {
				throw new CodecException("not a number", null);
			}
		});
		CompletableFuture<List<Entry<String, Integer>>> failing = numbers.scan(KeyRange.all(), 10);
		CompletableFuture<List<Entry<String, String>>> fine = this.mutex.scan(KeyRange.all(), 10);
		this.fixture.runCycles();
		assertThat(failing).isCompletedExceptionally();
		assertThat(keys(fine.join())).containsExactly("a");
	}

	private void write(String... keys) {
		for (String key : keys) {
			this.mutex.put(key, key);
		}
		this.fixture.runCycles();
	}

	private List<Entry<String, String>> scan(KeyRange<String> range, int limit, boolean reverse) {
		CompletableFuture<List<Entry<String, String>>> scan = this.mutex.scan(range, limit, reverse);
		this.fixture.runCycles();
		return scan.join();
	}

	private static List<String> keys(List<Entry<String, String>> entries) {
		return entries.stream().map(Entry::key).toList();
	}

}
