package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.RemoteChangeEvent;
import io.levelmutex.WriteConflictException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three stores ("nodes") on one database increment conditional counters through {@code update()} at once: no
 * update is lost (every counter equals the increments that completed), conflicts between nodes are retried and
 * only {@code maxUpdateAttempts} rejections fail an update; the sequences of the batches the three nodes committed
 * (from their flush events) are exactly 1..n, each once; and every node hears of every batch the others committed,
 * and of none of its own, through {@code onRemoteChange}.
 */
class MultiNodeStoreTest extends ClusterTestSupport {

	private static final int NODES = 3;

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 20261130L })
	void whenThreeNodesIncrementCountersThenNoUpdateIsLostSequencesAreGaplessAndEveryCommitIsHeardRemotely(long seed) {
		System.out.println("MultiNodeStoreTest seed " + seed);
		Random random = new Random(seed);
		PGSimpleDataSource database = newDatabase();
		List<MutexStore> stores = new ArrayList<>();
		List<Mutex<String, String>> mutexes = new ArrayList<>();
		List<ConcurrentLinkedQueue<Long>> committed = new ArrayList<>();
		List<Set<Long>> heard = new ArrayList<>();
		AtomicInteger wrongHeard = new AtomicInteger();
		try {
			for (int n = 0; n < NODES; n++) {
				MutexStore store = openStore(database);
				stores.add(store);
				Mutex<String, String> counters = store.mutex(MutexOptions.builder("counters").maxUpdateAttempts(20).build(),
						Codecs.utf8(), Codecs.utf8());
				mutexes.add(counters);
				ConcurrentLinkedQueue<Long> own = new ConcurrentLinkedQueue<>();
				Set<Long> remote = ConcurrentHashMap.newKeySet();
				committed.add(own);
				heard.add(remote);
				counters.addListener(new MutexListener() {
					@Override
					public void onFlushed(FlushEvent event) {
						if (event.succeeded() && !event.operations().isEmpty()) {
							own.add(event.sequence());
						}
					}

					@Override
					public void onRemoteChange(RemoteChangeEvent event) {
						for (long s = event.fromSequence(); s <= event.toSequence(); s++) {
							if (!remote.add(s)) {
								wrongHeard.incrementAndGet();
							}
						}
					}
				});
			}
			int counters = 3;
			int clientsPerNode = 3;
			int perClient = 12;
			// Each client issues its next update when the previous one completed: many small, interleaved batches.
			ConcurrentLinkedQueue<int[]> outcomes = new ConcurrentLinkedQueue<>();
			List<CompletableFuture<Void>> clients = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				for (int c = 0; c < clientsPerNode; c++) {
					int[] plan = new int[perClient];
					for (int i = 0; i < perClient; i++) {
						plan[i] = random.nextInt(counters);
					}
					clients.add(run(mutexes.get(n), plan, 0, outcomes));
				}
			}
			CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0])).join();
			int[] expected = new int[counters];
			int conflictsFailed = 0;
			int retried = 0;
			for (int[] outcome : outcomes) {
				if (outcome[1] > 0) {
					expected[outcome[0]]++;
					retried += outcome[1] > 1 ? 1 : 0;
				}
				else {
					conflictsFailed++;
				}
			}
			assertThat(outcomes).hasSize(NODES * clientsPerNode * perClient);
			for (int c = 0; c < counters; c++) {
				int value = mutexes.get(c % NODES).get("counter/" + c).join().map(Integer::parseInt).orElse(0);
				assertThat(value).as("counter " + c + ": every completed increment, nothing else").isEqualTo(expected[c]);
			}
			List<Long> all = new ArrayList<>();
			committed.forEach(all::addAll);
			long total = all.size();
			assertThat(new TreeSet<>(all)).as("each sequence committed once").hasSize(all.size());
			assertThat(new ArrayList<>(new TreeSet<>(all))).as("gapless from 1 across the nodes")
				.isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
			for (int n = 0; n < NODES; n++) {
				Set<Long> others = new TreeSet<>(all);
				others.removeAll(committed.get(n));
				Set<Long> remote = heard.get(n);
				await().atMost(30, TimeUnit.SECONDS).until(() -> remote.containsAll(others));
				assertThat(new TreeSet<>(remote)).as("node " + n + " hears exactly the others' commits").isEqualTo(others);
			}
			assertThat(wrongHeard.get()).as("no sequence heard twice").isZero();
			System.out.println("MultiNodeStoreTest: " + outcomes.size() + " updates, " + total + " batches, " + retried
					+ " retried, " + conflictsFailed + " failed after maxUpdateAttempts");
		}
		finally {
			stores.forEach(MutexStore::close);
		}
	}

	/** Runs the plan's increments one after the other; records (counter, attempts) or (counter, 0) on conflict. */
	private static CompletableFuture<Void> run(Mutex<String, String> mutex, int[] plan, int index,
			ConcurrentLinkedQueue<int[]> outcomes) {
		if (index == plan.length) {
			return CompletableFuture.completedFuture(null);
		}
		String key = "counter/" + plan[index];
		return mutex.<Integer>update((context) -> {
			int value = context.get(key).map(Integer::parseInt).orElse(0);
			context.put(key, Integer.toString(value + 1));
			return context.attempt();
		}).handle((attempts, failure) -> {
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				assertThat(cause).isInstanceOf(WriteConflictException.class);
				outcomes.add(new int[] { plan[index], 0 });
			}
			else {
				outcomes.add(new int[] { plan[index], attempts });
			}
			return null;
		}).thenComposeAsync((ignored) -> run(mutex, plan, index + 1, outcomes));
	}

}
