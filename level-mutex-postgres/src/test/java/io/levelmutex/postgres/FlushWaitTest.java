package io.levelmutex.postgres;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener's wait for another node's WAL flush: heads committed without their flush are kept back until the
 * flush position passes the insert position read with them, delivered at once when it already has, and flushed by
 * the listener itself when the next catch-up finds the flush position still short of it. Never raised durable
 * before one of those.
 */
class FlushWaitTest {

	private final DurableSequences durable = new DurableSequences(new PostgresSql("t_"));

	private final FlushWait wait = new FlushWait(this.durable);

	@Test
	void headsReadAfterTheFlushPassedTheInsertPositionAreDeliveredAtOnce() {
		assertThat(this.wait.next(true, heads(1, 5), 100, 100)).isEqualTo(FlushWait.Step.DELIVER);
		assertThat(this.durable.durable(1)).isEqualTo(5);
		assertThat(this.wait.waiting()).isFalse();
	}

	@Test
	void headsNotKnownDurableAreKeptBackAndDeliveredOnceTheFlushPositionPassesWhatWasRead() {
		assertThat(this.wait.next(true, heads(1, 5, 2, 9), 100, 99)).isEqualTo(FlushWait.Step.DEFER);
		assertThat(this.durable.durable(1)).as("kept back: not durable yet").isZero();
		assertThat(this.wait.waiting()).isTrue();

		// The next read: the flush passed the kept position (not the new one), and a newer head is not flushed yet.
		assertThat(this.wait.next(true, heads(1, 7, 2, 9), 200, 150)).isEqualTo(FlushWait.Step.DEFER);
		assertThat(this.durable.durable(1)).as("the kept heads, not the newer one").isEqualTo(5);
		assertThat(this.durable.durable(2)).isEqualTo(9);

		assertThat(this.wait.next(false, heads(1, 8), 300, 290)).isEqualTo(FlushWait.Step.DELIVER);
		assertThat(this.durable.durable(1)).isEqualTo(7);
		assertThat(this.wait.waiting()).isFalse();
	}

	@Test
	void whenTheFlushPositionHasNotPassedTheKeptHeadsByTheNextCatchUpTheListenerFlushes() {
		assertThat(this.wait.next(true, heads(1, 5), 100, 50)).isEqualTo(FlushWait.Step.DEFER);

		assertThat(this.wait.next(true, heads(1, 6), 200, 99)).isEqualTo(FlushWait.Step.FLUSH);
		assertThat(this.durable.durable(1)).as("nothing raised before the flush").isZero();
		this.wait.flushed(heads(1, 6));
		assertThat(this.durable.durable(1)).isEqualTo(6);
		assertThat(this.wait.waiting()).isFalse();
	}

	@Test
	void aHeadCommittedSynchronouslyNeedsNoWaitAndAClearForgetsWhatWasKept() {
		assertThat(this.wait.next(false, heads(1, 5), 100, 0)).isEqualTo(FlushWait.Step.DELIVER);
		assertThat(this.wait.waiting()).isFalse();
		assertThat(this.wait.next(true, heads(1, 6), 100, 0)).isEqualTo(FlushWait.Step.DEFER);
		this.wait.clear();
		assertThat(this.wait.waiting()).isFalse();
		assertThat(this.wait.next(true, heads(1, 6), 300, 200)).as("a new connection waits once again")
			.isEqualTo(FlushWait.Step.DEFER);
		assertThat(this.durable.durable(1)).isZero();
	}

	@Test
	void withoutAFlushPositionToWaitForTheListenerFlushesAtOnce() {
		assertThat(this.wait.next(true, heads(1, 5), 100, -1)).as("synchronous standbys named")
			.isEqualTo(FlushWait.Step.FLUSH);
		assertThat(this.durable.durable(1)).isZero();
		assertThat(this.wait.waiting()).isFalse();
		assertThat(this.wait.next(false, heads(1, 6), 100, -1)).isEqualTo(FlushWait.Step.DELIVER);
	}

	private static List<long[]> heads(long... idsAndSequences) {
		List<long[]> heads = new java.util.ArrayList<>();
		for (int i = 0; i < idsAndSequences.length; i += 2) {
			heads.add(new long[] { idsAndSequences[i], idsAndSequences[i + 1] });
		}
		return heads;
	}

}
