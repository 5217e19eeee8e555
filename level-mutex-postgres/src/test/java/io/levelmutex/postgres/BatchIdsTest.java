package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch ids: unique per batch whichever node makes them (many threads of one node, two nodes in the same
 * millisecond), laid out as version-7 UUIDs (time first), so that one node's ids ascend in PostgreSQL's uuid order
 * (bytes compared unsigned) and the batch log's unique index on them takes each new row at its right edge, as its
 * sequence index does, instead of a random leaf (measured: pgput, series V).
 */
class BatchIdsTest extends ClusterTestSupport {

	@Test
	void whenOneNodeMakesIdsThenTheyAscendInPostgresUuidOrderAndCarryVersion7AndTheirMillisecond() {
		BatchIds ids = new BatchIds(UUID.randomUUID());
		long before = System.currentTimeMillis();
		List<UUID> made = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			made.add(ids.next());
		}
		long after = System.currentTimeMillis();
		for (int i = 1; i < made.size(); i++) {
			assertThat(compareUnsigned(made.get(i - 1), made.get(i))).as("id %d after id %d", i, i - 1).isNegative();
		}
		for (UUID id : made) {
			assertThat(id.version()).isEqualTo(7);
			assertThat(id.variant()).isEqualTo(2);
			assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
		}
	}

	@Test
	void whenManyThreadsAndTwoNodesMakeIdsAtOnceThenNoIdRepeats() throws Exception {
		BatchIds first = new BatchIds(UUID.randomUUID());
		BatchIds second = new BatchIds(UUID.randomUUID());
		List<CompletableFuture<List<UUID>>> makers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			BatchIds ids = (t % 2 == 0) ? first : second;
			makers.add(CompletableFuture.supplyAsync(() -> {
				List<UUID> made = new ArrayList<>();
				for (int i = 0; i < 50_000; i++) {
					made.add(ids.next());
				}
				return made;
			}));
		}
		Set<UUID> all = new HashSet<>();
		int count = 0;
		for (CompletableFuture<List<UUID>> maker : makers) {
			List<UUID> made = maker.get(60, TimeUnit.SECONDS);
			all.addAll(made);
			count += made.size();
		}
		assertThat(all).hasSize(count);
	}

	/** Through the store: the batch log's ids of one node ascend with the sequence, in PostgreSQL's own order. */
	@Test
	void whenANodeCommitsThenItsBatchLogIdsAscendWithTheSequence() throws Exception {
		PGSimpleDataSource database = newDatabase();
		try (MutexStore store = openStore(database)) {
			Mutex<String, String> mutex = store.mutex(MutexOptions.builder("ids").build(), Codecs.utf8(),
					Codecs.utf8());
			for (int i = 0; i < 40; i++) {
				mutex.put("k" + (i % 3), "v" + i).join();
			}
			mutex.<String>update((context) -> {
				context.put("k0", context.get("k0").orElseThrow() + "+");
				return "done";
			}).join();
		}
		PostgresSql sql = new PostgresSql(prefix);
		assertThat(queryLong(database, "SELECT count(*) FROM " + sql.batchTable)).isEqualTo(41);
		assertThat(queryLong(database, "SELECT count(*) FROM (SELECT batch_id, lag(batch_id) OVER (ORDER BY seq) AS "
				+ "before FROM " + sql.batchTable + ") b WHERE before IS NOT NULL AND batch_id <= before"))
			.as("ids not above the previous batch's").isZero();
	}

	private static int compareUnsigned(UUID a, UUID b) {
		int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
		return (high != 0) ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
	}

}
