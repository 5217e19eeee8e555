package io.levelmutex;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input fails at the call with a typed exception, and nothing is queued. */
class BadInputTest {

	private final ManualMutex fixture = new ManualMutex("strict");

	private final ManualExecutor executor = this.fixture.executor;

	private final Mutex<String, String> mutex = this.fixture.mutex;

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenKeyIsNullThenEveryOperationRefusesIt() {
		assertThatThrownBy(() -> this.mutex.get(null)).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("'strict'")
			.hasMessageContaining("null");
		assertThatThrownBy(() -> this.mutex.put(null, "v")).isInstanceOf(InvalidInputException.class);
		assertThatThrownBy(() -> this.mutex.del(null)).isInstanceOf(InvalidInputException.class);
		assertThat(this.mutex.stats().queued()).isZero();
	}

	@Test
	void whenKeyIsEmptyThenRefused() {
		assertThatThrownBy(() -> this.mutex.put("", "v")).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("empty");
		assertThatThrownBy(() -> this.mutex.get("")).isInstanceOf(InvalidInputException.class);
	}

	@Test
	void whenValueIsNullThenRefused() {
		assertThatThrownBy(() -> this.mutex.put("k", null)).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("\"k\"")
			.hasMessageContaining("del");
	}

	@Test
	void whenRangeOrFunctionOrAttemptsInvalidThenRefused() {
		assertThatThrownBy(() -> this.mutex.peekFirst(null)).isInstanceOf(InvalidInputException.class);
		assertThatThrownBy(() -> this.mutex.update(null)).isInstanceOf(InvalidInputException.class);
		assertThatThrownBy(() -> this.mutex.update((ctx) -> 1, 0)).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("at least 1");
		assertThatThrownBy(() -> this.mutex.get("k", null)).isInstanceOf(InvalidInputException.class);
	}

	@Test
	void whenRangeIsReversedThenPeeksFindNothing() {
		this.mutex.put("b", "v");
		this.executor.runAll();
		var first = this.mutex.peekFirst(KeyRange.closed("c", "a"));
		var last = this.mutex.peekLast(KeyRange.closedOpen("b", "b"));
		this.executor.runAll();
		assertThat(first.join()).isEmpty();
		assertThat(last.join()).isEmpty();
	}

	@Test
	void whenMutexClosedThenOperationsRefusedWithClosedException() {
		this.mutex.closeAsync();
		this.executor.runAll();
		assertThat(this.mutex.isClosed()).isTrue();
		assertThatThrownBy(() -> this.mutex.put("k", "v")).isInstanceOf(MutexClosedException.class)
			.hasMessageContaining("'strict'");
		assertThatThrownBy(() -> this.mutex.get("k")).isInstanceOf(MutexClosedException.class);
		assertThatThrownBy(this.mutex::afterWrite).isInstanceOf(MutexClosedException.class);
	}

	@Test
	void whenOptionsInvalidThenBuilderRefuses() {
		assertThatThrownBy(() -> MutexOptions.builder(" ")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> MutexOptions.builder("a\0b")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> MutexOptions.builder("m").maxQueuedOperations(0))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("maxQueuedOperations");
		assertThatThrownBy(() -> MutexOptions.builder("m").maxBatchBytes(-1))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> StoreOptions.builder().cycleThreads(0))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
