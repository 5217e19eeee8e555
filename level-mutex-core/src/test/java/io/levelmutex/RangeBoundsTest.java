package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Range bounds are checked at the call like keys: never silently widened, held to the key limit. */
class RangeBoundsTest {

	/** A key codec that encodes "hole" as null, as a buggy codec might. */
	private static final Codec<String> HOLEY = new Codec<>() {

		@Override
		public byte[] encode(String value) {
			return "hole".equals(value) ? null : Codecs.utf8().encode(value);
		}

		@Override
		public String decode(byte[] bytes) {
			return Codecs.utf8().decode(bytes);
		}

		@Override
		public String name() {
			return "holey";
		}

	};

	private final ManualExecutor executor = new ManualExecutor();

	private final TempStore temp = TempStore.open();

	private final Mutex<String, String> mutex = this.temp.store
		.mutex(MutexOptions.builder("bounded").maxKeyBytes(16).executor(this.executor).build(), HOLEY, Codecs.utf8());

	private final List<CompletableFuture<?>> issued = new ArrayList<>();

	@AfterEach
	void close() {
		this.mutex.closeAsync();
		this.executor.runAll();
		assertThat(this.issued).allSatisfy((future) -> assertThat(future).isDone());
		this.temp.close();
	}

	@Test
	void whenCodecEncodesBoundAsNullThenEveryRangeReadRefusesItAtTheCall() {
		this.issued.add(this.mutex.put("a", "1"));
		this.issued.add(this.mutex.put("z", "2"));
		assertThatThrownBy(() -> this.mutex.scan(KeyRange.closed("b", "hole"), 10))
			.isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("'bounded'")
			.hasMessageContaining("end")
			.hasMessageContaining("null");
		assertThatThrownBy(() -> this.mutex.peekFirst(KeyRange.atLeast("hole")))
			.isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("start");
		assertThatThrownBy(() -> this.mutex.peekLast(KeyRange.lessThan("hole")))
			.isInstanceOf(InvalidInputException.class);
		CompletableFuture<Object> inUpdate = this.mutex.update((ctx) -> ctx.peekFirst(KeyRange.atMost("hole")));
		this.issued.add(inUpdate);
		assertThat(this.mutex.stats().queued()).isEqualTo(3);
		this.executor.runAll();
		assertThat(inUpdate).isCompletedExceptionally();
		assertThatThrownBy(inUpdate::join).cause().isInstanceOf(InvalidInputException.class);
	}

	@Test
	void whenBoundIsOverMaxKeyBytesThenRefusedNamingBoundAndLimit() {
		String big = "x".repeat(1024 * 1024);
		assertThatThrownBy(() -> this.mutex.scan(KeyRange.atLeast(big), 1))
			.isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("'bounded'")
			.hasMessageContaining("\"xxxx")
			.hasMessageContaining("1048576 bytes")
			.hasMessageContaining("16 bytes")
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300));
		assertThatThrownBy(() -> this.mutex.peekFirst(KeyRange.closed("a", "y".repeat(17))))
			.isInstanceOf(InvalidInputException.class);
		assertThat(this.mutex.stats().queued()).isZero();
	}

	@Test
	void whenBoundsAreAtTheLimitOrEmptyThenAccepted() {
		this.issued.add(this.mutex.put("m", "1"));
		this.executor.runAll();
		CompletableFuture<?> atLimit = this.mutex.scan(KeyRange.closed("a", "y".repeat(16)), 5);
		CompletableFuture<?> emptyStart = this.mutex.peekFirst(KeyRange.atLeast(""));
		this.issued.add(atLimit);
		this.issued.add(emptyStart);
		this.executor.runAll();
		assertThat(atLimit.join()).asList().hasSize(1);
		assertThat(emptyStart.join()).isEqualTo(java.util.Optional.of(new Entry<>("m", "1")));
	}

}
