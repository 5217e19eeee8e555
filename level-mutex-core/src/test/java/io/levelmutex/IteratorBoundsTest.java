package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peeks and scans run on iterators bounded to their range: they stay correct at the edges of
 * adjacent keyspaces (keys right at the boundary, prefixes of 0xFF bytes, the last prefix of
 * the column family) and through the tombstones a peekFirst+del queue leaves behind.
 */
class IteratorBoundsTest {

	private final ManualExecutor executor = new ManualExecutor();

	private final TempStore temp = TempStore.open();

	private final List<CompletableFuture<?>> issued = new ArrayList<>();

	@AfterEach
	void close() {
		this.temp.store.mutexes().forEach(Mutex::closeAsync);
		this.executor.runAll();
		assertThat(this.issued).allSatisfy((future) -> assertThat(future).isCompleted());
		this.temp.close();
	}

	private Mutex<byte[], byte[]> mutex(String name, int prefix) {
		return this.temp.store.mutex(MutexOptions.builder(name)
			.keyspace(Keyspace.defaultColumnFamily().withPrefix(bytes(prefix)))
			.executor(this.executor)
			.build());
	}

	private <T> T run(CompletableFuture<T> future) {
		this.issued.add(future);
		this.executor.runAll();
		assertThat(future).isCompleted();
		return future.join();
	}

	private static byte[] bytes(int... values) {
		byte[] out = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			out[i] = (byte) values[i];
		}
		return out;
	}

	@Test
	void whenNeighbouringKeyspacesHoldKeysRightAtTheBoundaryThenPeeksAndScansStayInside() {
		Mutex<byte[], byte[]> low = mutex("low", 0x10);
		Mutex<byte[], byte[]> middle = mutex("middle", 0x11);
		Mutex<byte[], byte[]> high = mutex("high", 0x12);
		run(low.put(bytes(0xFF, 0xFF, 0xFF), bytes(1))); // stored 10 FF FF FF: just below middle
		run(high.put(bytes(0x00), bytes(3))); // stored 12 00: just above middle
		assertThat(run(middle.peekFirst())).isEmpty();
		assertThat(run(middle.peekLast())).isEmpty();
		assertThat(run(middle.scan(KeyRange.all(), 10))).isEmpty();
		assertThat(run(middle.scan(KeyRange.all(), 10, true))).isEmpty();
		boolean found = run(middle.update(
				(ctx) -> ctx.peekFirst(KeyRange.all()).isPresent() || ctx.peekLast(KeyRange.all()).isPresent()));
		assertThat(found).isFalse();

		run(middle.put(bytes(0x00), bytes(2)));
		run(middle.put(bytes(0xFF, 0xFF), bytes(2)));
		assertThat(run(middle.peekFirst())).hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(0x00));
		assertThat(run(middle.peekLast()))
			.hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(bytes(0xFF, 0xFF)));
		assertThat(run(low.peekLast())).hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(bytes(0xFF,
				0xFF, 0xFF)));
		assertThat(run(high.peekFirst())).hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(0x00));
		assertThat(run(middle.scan(KeyRange.atLeast(bytes(0x00)), 10))).hasSize(2);
		assertThat(run(middle.scan(KeyRange.atMost(bytes(0xFF, 0xFF, 0xFF)), 10, true))).hasSize(2);
		assertThat(run(middle.scan(KeyRange.greaterThan(bytes(0xFF, 0xFF)), 10))).isEmpty();
		assertThat(run(middle.scan(KeyRange.lessThan(bytes(0x00)), 10, true))).isEmpty();
		byte below = run(middle.update((ctx) -> ctx.peekLast(KeyRange.lessThan(bytes(0xFF, 0xFF)))
			.map((e) -> e.key()[0])
			.orElse((byte) 1)));
		assertThat(below).isEqualTo((byte) 0x00);
	}

	@Test
	void whenPrefixesAreAllFfBytesThenTheLastKeyspaceOfTheColumnFamilyIsBoundedCorrectly() {
		Mutex<byte[], byte[]> ff = mutex("ff", 0xFF);
		Mutex<byte[], byte[]> fe = mutex("fe", 0xFE);
		Mutex<byte[], byte[]> first = mutex("zero", 0x00);
		run(fe.put(bytes(0xFF, 0xFF), bytes(1))); // stored FE FF FF, just below FF
		run(first.put(bytes(0x00), bytes(0)));
		assertThat(run(ff.peekFirst())).isEmpty();
		assertThat(run(ff.peekLast())).isEmpty();
		assertThat(run(ff.scan(KeyRange.all(), 5, true))).isEmpty();
		run(ff.put(bytes(0xFF), bytes(9)));
		run(ff.put(bytes(0x00), bytes(8)));
		assertThat(run(ff.peekLast())).hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(0xFF));
		assertThat(run(ff.peekFirst())).hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(0x00));
		assertThat(run(fe.peekLast()))
			.hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(bytes(0xFF, 0xFF)));
		assertThat(run(ff.scan(KeyRange.prefixedBy(bytes(0xFF)), 5))).hasSize(1);
		assertThat(run(first.peekLast())).hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(0x00));
		assertThat(run(first.peekFirst(KeyRange.greaterThan(bytes(0x00))))).isEmpty();
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 7L, 20261130L })
	void whenAQueueIsDrainedWithPeekFirstAndDelThenItemsComeOutOnceInOrderAndNeverFromTheNeighbour(long seed) {
		System.out.println("IteratorBoundsTest seed " + seed);
		Random random = new Random(seed);
		Mutex<byte[], byte[]> queue = mutex("queue", 0x20);
		Mutex<byte[], byte[]> neighbour = mutex("neighbour", 0x21);
		for (int i = 0; i < 50; i++) {
			this.issued.add(neighbour.put(bytes(i), bytes(i)));
		}
		int items = 400;
		List<Integer> expected = new ArrayList<>();
		for (int i = 0; i < items; i++) {
			this.issued.add(queue.put(bytes(i >> 8, i & 0xFF), bytes(i >> 8, i & 0xFF)));
			expected.add(i);
		}
		this.executor.runAll();
		List<Integer> taken = new ArrayList<>();
		while (taken.size() < items) {
			boolean viaUpdate = random.nextBoolean();
			Optional<Entry<byte[], byte[]>> head;
			if (viaUpdate) {
				head = run(queue.update((ctx) -> {
					Optional<Entry<byte[], byte[]>> first = ctx.peekFirst(KeyRange.all());
					first.ifPresent((entry) -> ctx.del(entry.key()));
					return first;
				}));
			}
			else {
				head = run(queue.peekFirst());
				head.ifPresent((entry) -> run(queue.del(entry.key())));
			}
			assertThat(head).as("queue drained early after %d items", taken.size()).isPresent();
			byte[] key = head.get().key();
			taken.add(((key[0] & 0xFF) << 8) | (key[1] & 0xFF));
		}
		assertThat(taken).isEqualTo(expected);
		assertThat(run(queue.peekFirst())).isEmpty();
		assertThat(run(queue.peekLast())).isEmpty();
		assertThat(run(queue.scan(KeyRange.all(), 10, true))).isEmpty();
		assertThat(run(neighbour.peekFirst())).hasValueSatisfying((e) -> assertThat(e.key()).containsExactly(0));
	}

}
