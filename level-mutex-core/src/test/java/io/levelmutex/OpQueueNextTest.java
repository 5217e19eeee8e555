package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OpQueue#next}: a walk that sees every entry queued so far (also those pushed after the consumer took its
 * list), in order, and leaves the queue as it was: polling afterwards returns every entry once, in order.
 */
class OpQueueNextTest {

	@Test
	void whenEntriesArePushedDuringAWalkThenTheWalkSeesThemInOrderAndPollingStillReturnsEachOnce() {
		for (long seed = 1; seed <= 50; seed++) {
			Random random = new Random(seed);
			OpQueue<OpQueueTest.Item> queue = new OpQueue<>();
			List<OpQueueTest.Item> added = new ArrayList<>();
			List<OpQueueTest.Item> walked = new ArrayList<>();
			OpQueueTest.Item last = null;
			int sequence = 0;
			for (int step = 0; step < 200; step++) {
				if (random.nextInt(3) > 0) {
					OpQueueTest.Item item = new OpQueueTest.Item(0, sequence++);
					queue.add(item);
					added.add(item);
				}
				else {
					OpQueueTest.Item next = (last == null) ? queue.peek() : queue.next(last);
					while (next != null) {
						walked.add(next);
						last = next;
						next = queue.next(next);
					}
				}
			}
			assertThat(walked).as("seed %d: the walk so far", seed).isEqualTo(added.subList(0, walked.size()));
			List<OpQueueTest.Item> polled = new ArrayList<>();
			OpQueueTest.Item item;
			while ((item = queue.poll()) != null) {
				polled.add(item);
			}
			assertThat(polled).as("seed %d: polled", seed).isEqualTo(added);
			assertThat(queue.isEmpty()).isTrue();
		}
	}

	@Test
	void whenTheListEndsAndNothingWasPushedThenNextIsNullAndLaterPushesFollow() {
		OpQueue<OpQueueTest.Item> queue = new OpQueue<>();
		OpQueueTest.Item first = new OpQueueTest.Item(0, 0);
		queue.add(first);
		assertThat(queue.peek()).isSameAs(first);
		assertThat(queue.next(first)).isNull();
		OpQueueTest.Item second = new OpQueueTest.Item(0, 1);
		OpQueueTest.Item third = new OpQueueTest.Item(0, 2);
		queue.add(second);
		queue.add(third);
		assertThat(queue.following(first)).as("following does not take the pushed entries").isNull();
		assertThat(queue.next(first)).isSameAs(second);
		assertThat(queue.following(second)).isSameAs(third);
		assertThat(queue.poll()).isSameAs(first);
		assertThat(queue.poll()).isSameAs(second);
		assertThat(queue.poll()).isSameAs(third);
		assertThat(queue.poll()).isNull();
	}

}
