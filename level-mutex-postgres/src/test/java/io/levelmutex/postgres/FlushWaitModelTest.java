package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded runs of the remote-change listener's wait for other nodes' WAL flushes ({@link FlushWait}) against a model
 * of the server's WAL: batches of several keyspaces committed with or without their flush, the flush position
 * advancing by itself at random, catch-ups that read heads with the insert and flush positions (sometimes none to
 * wait for: synchronous standbys), listener flushes (some failing), and reconnects ({@link FlushWait#clear}) while heads are kept
 * back. Safety: a keyspace's known durable sequence never passes a batch whose commit record is not flushed, and
 * never goes back. Liveness: a head kept back waits at most one catch-up: it is known durable after the next one
 * (whatever that one does with newer heads), unless a reconnect came between.
 */
class FlushWaitModelTest {

	private static final int KEYSPACES = 3;

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 })
	void theKnownDurableSequencesNeverPassTheServersFlushAndNothingWaitsMoreThanOneCatchUp(long seed) {
		Random random = new Random(seed);
		DurableSequences durable = new DurableSequences(new PostgresSql("t_"));
		FlushWait wait = new FlushWait(durable);
		long lsn = 0;
		long flushLsn = 0;
		long[] head = new long[KEYSPACES + 1];
		Map<Integer, List<long[]>> commits = new HashMap<>(); // keyspace -> {sequence, commit lsn, unflushed 0/1}
		long[] lastDurable = new long[KEYSPACES + 1];
		List<long[]> keptLast = List.of(); // the heads the last catch-up kept back, if no reconnect came since
		for (int step = 0; step < 2_000; step++) {
			String at = "seed " + seed + ", step " + step;
			int action = random.nextInt(10);
			if (action < 5) { // another node commits a batch, with or without its flush
				int keyspace = 1 + random.nextInt(KEYSPACES);
				lsn += 1 + random.nextInt(3);
				boolean unflushed = random.nextBoolean();
				commits.computeIfAbsent(keyspace, (id) -> new ArrayList<>())
					.add(new long[] { ++head[keyspace], lsn, unflushed ? 1 : 0 });
				if (!unflushed) {
					flushLsn = lsn; // a synchronous commit flushes the WAL up to its record
				}
			}
			else if (action < 6) { // the server's WAL writer flushes part of the WAL by itself
				flushLsn += (lsn - flushLsn) * random.nextInt(3) / 2;
			}
			else if (action < 7) { // a reconnect: the listener forgets what it kept back
				wait.clear();
				keptLast = List.of();
			}
			else { // a catch-up
				List<long[]> heads = new ArrayList<>();
				boolean mustFlush = false;
				for (int keyspace = 1; keyspace <= KEYSPACES; keyspace++) {
					if (head[keyspace] == 0) {
						continue;
					}
					heads.add(new long[] { keyspace, head[keyspace] });
					List<long[]> list = commits.get(keyspace);
					boolean unflushed = list.get(list.size() - 1)[2] == 1;
					// DurableSequences.mustFlush: a head committed without its flush that is not known durable
					if (unflushed ? head[keyspace] > durable.durable(keyspace) : false) {
						mustFlush = true;
					}
					else if (!unflushed) {
						durable.raise(keyspace, head[keyspace]);
					}
				}
				long insertLsn = lsn;
				long readFlush = random.nextInt(8) == 0 ? -1 : flushLsn;
				FlushWait.Step next = wait.next(mustFlush, heads, insertLsn, readFlush);
				if (next == FlushWait.Step.FLUSH && random.nextInt(4) == 0) {
					// the listener's flush fails (connection lost): nothing more is durable, the listener reconnects
					wait.clear();
					keptLast = List.of();
					checkSafety(durable, commits, flushLsn, lastDurable, at + " (flush failed)");
					continue;
				}
				if (next == FlushWait.Step.FLUSH) {
					flushLsn = lsn; // the listener's own flush
					wait.flushed(heads);
				}
				for (long[] kept : keptLast) {
					assertThat(durable.durable((int) kept[0]))
						.as("%s: keyspace %d's head kept back by the last catch-up is known durable after this one (%s)",
								at, kept[0], next)
						.isGreaterThanOrEqualTo(kept[1]);
				}
				if (next == FlushWait.Step.DELIVER || next == FlushWait.Step.FLUSH) {
					for (long[] read : heads) {
						List<long[]> list = commits.get((int) read[0]);
						boolean unflushed = list.get(list.size() - 1)[2] == 1;
						if (unflushed || mustFlush) {
							assertThat(durable.durable((int) read[0]))
								.as("%s: keyspace %d's head read is known durable once delivered", at, read[0])
								.isGreaterThanOrEqualTo(mustFlush ? read[1] : 0);
						}
					}
				}
				keptLast = next == FlushWait.Step.DEFER ? heads : List.of();
			}
			checkSafety(durable, commits, flushLsn, lastDurable, at);
		}
	}

	private static void checkSafety(DurableSequences durable, Map<Integer, List<long[]>> commits, long flushLsn,
			long[] lastDurable, String at) {
		for (int keyspace = 1; keyspace <= KEYSPACES; keyspace++) {
			long known = durable.durable(keyspace);
			assertThat(known).as("%s: keyspace %d's durable sequence never goes back", at, keyspace)
				.isGreaterThanOrEqualTo(lastDurable[keyspace]);
			lastDurable[keyspace] = known;
			long reallyDurable = 0;
			for (long[] commit : commits.getOrDefault(keyspace, List.of())) {
				if (commit[1] <= flushLsn) {
					reallyDurable = commit[0];
				}
			}
			assertThat(known).as("%s: keyspace %d known durable past the server's flush position %d", at, keyspace,
					flushLsn)
				.isLessThanOrEqualTo(reallyDurable);
		}
	}

}
