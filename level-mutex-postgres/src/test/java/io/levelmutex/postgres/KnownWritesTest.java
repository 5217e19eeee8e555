package io.levelmutex.postgres;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KnownWrites} answers an update's reads only with what it knows exactly: the values this node's applied
 * commits wrote while they followed one another without a gap, at the last one's sequence, and only while that is
 * the newest sequence seen. A gap (another writer's batch between two of this node's), a rejection (even with an
 * applied prefix), a failure or unknown outcome, a commit in flight, a newer sequence seen, a key not written, a
 * scan: no answer. Answers are copies; the last write of a key wins; a delete is known as "no value"; the memory
 * bound drops the least recently written keys.
 */
class KnownWritesTest {

	@Test
	void whenThisNodesCommitsFollowOneAnotherThenEveryKeyTheyWroteIsKnownAtTheLastSequence() {
		KnownWrites known = new KnownWrites(true);
		commit(known, 5, batch(put("a", "1"), put("b", "1")));
		commit(known, 6, batch(put("a", "2"), del("b"), put("a", "3")));
		commit(known, 7, batch(put("c", "1")));
		ReadResult answer = known.answer(plan("a", "b", "c", "a"), 7);
		assertThat(answer).isNotNull();
		assertThat(answer.sequence()).isEqualTo(7);
		assertThat(texts(answer)).containsExactly("3", null, "1", "3");
		answer.values().get(0)[0] = 'x'; // the caller's copy
		assertThat(texts(known.answer(plan("a"), 7))).containsExactly("3");
	}

	@Test
	void anEmptyValueIsKnownAsEmptyAndADeletedKeyAsNoValueWhicheverCameFirst() {
		KnownWrites known = new KnownWrites(true);
		commit(known, 5, batch(put("a", ""), del("b")));
		assertThat(texts(known.answer(plan("a", "b"), 5))).containsExactly("", null);
		commit(known, 6, batch(del("a"), put("b", "")));
		assertThat(texts(known.answer(plan("b", "a"), 6))).containsExactly("", null);
		commit(known, 7, batch(put("a", ""), put("a", "1"), del("a"), put("c", "")));
		assertThat(texts(known.answer(plan("a", "b", "c"), 7))).containsExactly(null, "", "");
		assertThat(known.size()).isEqualTo(3);
	}

	@Test
	void whenAnotherWritersBatchCameBetweenThenOnlyTheNewCommitsWritesAreKnown() {
		KnownWrites known = new KnownWrites(true);
		commit(known, 5, batch(put("a", "1")));
		commit(known, 7, batch(put("b", "1"))); // 6 was another node's: it may have written a
		assertThat(known.answer(plan("a"), 7)).as("a, written before the gap").isNull();
		assertThat(texts(known.answer(plan("b"), 7))).containsExactly("1");
		assertThat(known.answer(plan("a", "b"), 7)).isNull();
	}

	@Test
	void whenSomethingNewerWasSeenOrACommitIsInFlightThenNothingIsAnswered() {
		KnownWrites known = new KnownWrites(true);
		commit(known, 5, batch(put("a", "1")));
		assertThat(known.answer(plan("a"), 6)).as("a read saw 6").isNull();
		known.committing();
		assertThat(known.answer(plan("a"), 5)).as("a commit in flight").isNull();
		known.committed(batch(put("b", "1")).batch(), CommitResult.applied(8, 1)); // 6 and 7: others'
		assertThat(known.answer(plan("a"), 8)).isNull();
		assertThat(known.answer(plan("b"), 8)).isNotNull();
	}

	@Test
	void whenACommitWasRejectedFailedOrOfUnknownOutcomeThenNothingIsKnown() {
		KnownWrites known = new KnownWrites(true);
		commit(known, 5, batch(put("a", "1")));
		known.committing();
		// an applied prefix (a) and a rejected update (b): the chain ends all the same
		known.committed(batch(put("a", "2"), put("b", "2")).batch(), CommitResult.rejected(6, 1, 0, bytes("b")));
		assertThat(known.answer(plan("a"), 6)).isNull();
		assertThat(known.size()).isZero();
		commit(known, 7, batch(put("a", "3")));
		known.committing();
		known.failed(); // outcome unknown
		assertThat(known.answer(plan("a"), 7)).isNull();
		known.committing();
		known.committed(batch(put("c", "1")).batch(), CommitResult.applied(8, 1));
		assertThat(known.answer(plan("a"), 8)).as("no chain from before the failure").isNull();
		assertThat(known.answer(plan("c"), 8)).isNotNull();
		known.committing();
		known.committed(batch(put("c", "2")).batch(), CommitResult.rejected(8, 0, 0, bytes("c")));
		assertThat(known.answer(plan("c"), 8)).as("rejected, nothing applied").isNull();
	}

	@Test
	void whenABatchWithoutWritesReportsTheCurrentSequenceThenNothingIsKnown() {
		KnownWrites known = new KnownWrites(true);
		commit(known, 5, batch(put("a", "1")));
		known.committing();
		// nothing applied, nothing taken: the sequence is the CURRENT one, here 6 = another node's batch, which may
		// have written a
		known.committed(TestBatch.of(List.of()).batch(), CommitResult.applied(6, 0));
		assertThat(known.answer(plan("a"), 6)).isNull();
	}

	@Test
	void whenThePlanHasAScanAKeyNotWrittenOrNoReadsThenNothingIsAnswered() {
		KnownWrites known = new KnownWrites(true);
		commit(known, 1, batch(put("a", "1")));
		assertThat(known.answer(plan("a", "z"), 1)).isNull();
		assertThat(known.answer(ReadPlan.NONE, 1)).isNull();
		assertThat(known.answer(new ReadPlan(List.of(bytes("a")),
				List.of(new ReadPlan.Scan(new KeySpan(bytes("a"), bytes("b")), 10, true))), 1)).isNull();
		assertThat(known.answer(plan("a"), 1)).isNotNull();
	}

	@Test
	void whenTurnedOffThenNothingIsAnswered() {
		KnownWrites known = new KnownWrites(false);
		known.committing();
		known.committed(batch(put("a", "1")).batch(), CommitResult.applied(1, 1));
		assertThat(known.answer(plan("a"), 1)).isNull();
	}

	@Test
	void whenTheBoundIsReachedThenTheLeastRecentlyWrittenKeysAreDropped() {
		KnownWrites known = new KnownWrites(true);
		byte[] big = new byte[64 * 1024];
		long sequence = 0;
		for (int i = 0; i < 40; i++) { // 40 x 64 KiB: beyond the bound
			commit(known, ++sequence, batch(TestBatch.put(bytes("k" + i), big)));
		}
		commit(known, ++sequence, batch(TestBatch.put(bytes("k0"), big))); // written again: the most recent
		assertThat(known.size()).isLessThan(17);
		assertThat(known.answer(plan("k0"), sequence)).isNotNull();
		assertThat(known.answer(plan("k39"), sequence)).isNotNull();
		assertThat(known.answer(plan("k1"), sequence)).as("dropped").isNull();
	}

	private static void commit(KnownWrites known, long sequence, TestBatch batch) {
		known.committing();
		EngineBatch engineBatch = batch.batch();
		known.committed(engineBatch, CommitResult.applied(sequence, engineBatch.size()));
		assertThat(known.sequence()).isEqualTo(sequence);
	}

	private static TestBatch batch(WriteOperation... operations) {
		return TestBatch.of(List.of(operations));
	}

	private static WriteOperation put(String key, String value) {
		return TestBatch.put(bytes(key), bytes(value));
	}

	private static WriteOperation del(String key) {
		return TestBatch.del(bytes(key));
	}

	private static ReadPlan plan(String... keys) {
		List<byte[]> list = new ArrayList<>();
		for (String key : keys) {
			list.add(bytes(key));
		}
		return new ReadPlan(list, List.of());
	}

	private static List<@Nullable String> texts(@Nullable ReadResult result) {
		assertThat(result).isNotNull();
		List<@Nullable String> texts = new ArrayList<>();
		for (byte[] value : result.values()) {
			texts.add((value != null) ? new String(value, StandardCharsets.UTF_8) : null);
		}
		return texts;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
