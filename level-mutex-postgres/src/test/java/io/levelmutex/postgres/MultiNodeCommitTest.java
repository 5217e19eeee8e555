package io.levelmutex.postgres;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes (three storages, each with its own DataSource and connections) committing to one keyspace at once:
 * sequences gapless and strictly increasing in commit order; conditional counters incremented from every node
 * lose no update.
 */
class MultiNodeCommitTest extends ClusterTestSupport {

	private static final int NODES = 3;

	private static final int THREADS_PER_NODE = 3;

	@Test
	void whenThreeNodesCommitConcurrentlyThenSequencesAreGaplessAndTheLastCommitWins() throws Exception {
		List<TestNode> nodes = nodes();
		PostgresKeyspace ks = nodes.get(0).keyspace("seq");
		nodes.get(1).keyspace("other").id();
		int perThread = 5;
		Map<Long, UUID> bySequence = new ConcurrentHashMap<>();
		Map<Long, String> sharedValue = new ConcurrentHashMap<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(NODES * THREADS_PER_NODE);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				TestNode node = nodes.get(n);
				for (int t = 0; t < THREADS_PER_NODE; t++) {
					String writer = n + "." + t;
					futures.add(pool.submit(() -> {
						start.await();
						for (int i = 0; i < perThread; i++) {
							TestBatch batch = TestBatch.of(List.of(TestBatch.put(bytes("shared"), bytes(writer + ":" + i)),
									TestBatch.put(bytes("own/" + writer + "/" + i), bytes("v"))));
							Committed result = node.commit(ks, batch);
							assertThat(result.committed()).isTrue();
							assertThat(bySequence.putIfAbsent(result.sequence(), batch.id())).as("sequence reused").isNull();
							sharedValue.put(result.sequence(), writer + ":" + i);
						}
						return null;
					}));
				}
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		int total = NODES * THREADS_PER_NODE * perThread;
		assertThat(new ArrayList<>(new java.util.TreeSet<>(bySequence.keySet())))
			.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
		try (Connection connection = newDatabase().getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT seq, batch_id FROM " + prefix + "batch WHERE keyspace_id = "
						+ ks.id() + " ORDER BY seq")) {
			long expected = 1;
			while (rows.next()) {
				assertThat(rows.getLong(1)).isEqualTo(expected);
				assertThat(rows.getObject(2, UUID.class)).isEqualTo(bySequence.get(expected));
				expected++;
			}
			assertThat(expected - 1).isEqualTo(total);
		}
		try (TestSnapshot snapshot = nodes.get(2).snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(total);
			assertThat(text(snapshot.get(List.of(bytes("shared"))).get(0)))
				.as("last writer wins in commit order").isEqualTo(sharedValue.get((long) total));
			assertThat(snapshot.scan(ByteRange.closedOpen(bytes("own/"), bytes("own0")), 1000, false)).hasSize(total);
		}
		try (TestSnapshot other = nodes.get(0).snapshot(nodes.get(0).keyspace("other"))) {
			assertThat(other.sequence()).as("another keyspace's sequence is untouched").isZero();
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 20261130L })
	void whenConditionalCountersAreIncrementedFromThreeNodesThenNoUpdateIsLost(long seed) throws Exception {
		System.out.println("MultiNodeCommitTest counters seed " + seed);
		List<TestNode> nodes = nodes();
		PostgresKeyspace ks = nodes.get(0).keyspace("counters");
		int counters = 3;
		int incrementsPerThread = 4;
		Map<Integer, AtomicInteger> committed = new HashMap<>();
		for (int c = 0; c < counters; c++) {
			committed.put(c, new AtomicInteger());
		}
		AtomicInteger conflicts = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(NODES * THREADS_PER_NODE);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				for (int t = 0; t < THREADS_PER_NODE; t++) {
					TestNode node = nodes.get(n);
					Random random = new Random(seed * 31 + n * 7 + t);
					futures.add(pool.submit(() -> {
						start.await();
						for (int i = 0; i < incrementsPerThread; i++) {
							int counter = random.nextInt(counters);
							byte[] key = bytes("counter/" + counter);
							while (true) {
								long value;
								long snapshotSequence;
								try (TestSnapshot snapshot = node.snapshot(ks)) {
									byte[] current = snapshot.get(List.of(key)).get(0);
									value = current == null ? 0 : ByteBuffer.wrap(current).getLong();
									snapshotSequence = snapshot.sequence();
								}
								byte[] next = ByteBuffer.allocate(8).putLong(value + 1).array();
								Committed result = node.commit(ks, TestBatch.of(List.of(TestBatch.put(key, next)),
										List.of(new TestBatch.Unit(0, snapshotSequence, List.of(key), List.of(),
												List.of(key)))));
								if (result.rejected() == null) {
									assertThat(result.committed()).isTrue();
									committed.get(counter).incrementAndGet();
									break;
								}
								assertThat(result.committed()).isFalse();
								conflicts.incrementAndGet();
							}
						}
						return null;
					}));
				}
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		long sum = 0;
		try (TestSnapshot snapshot = nodes.get(1).snapshot(ks)) {
			for (int c = 0; c < counters; c++) {
				byte[] stored = snapshot.get(List.of(bytes("counter/" + c))).get(0);
				long value = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
				assertThat(value).as("counter " + c).isEqualTo(committed.get(c).get());
				sum += value;
			}
			assertThat(snapshot.sequence()).as("one sequence per committed increment").isEqualTo(sum);
		}
		assertThat(sum).isEqualTo((long) NODES * THREADS_PER_NODE * incrementsPerThread);
		System.out.println("MultiNodeCommitTest counters: " + sum + " increments, " + conflicts.get() + " conflicts");
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 7L })
	void whenThreeNodesClaimAndReleaseSlotsThroughSpanChecksThenNoSlotIsEverHeldTwice(long seed) throws Exception {
		System.out.println("MultiNodeCommitTest slots seed " + seed);
		List<TestNode> nodes = nodes();
		PostgresKeyspace ks = nodes.get(0).keyspace("slots");
		int slots = 3;
		int stepsPerThread = 6;
		// (sequence, slot, +1 claim / -1 release) of every successful unit.
		java.util.concurrent.ConcurrentLinkedQueue<long[]> history = new java.util.concurrent.ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(NODES * THREADS_PER_NODE);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int n = 0; n < NODES; n++) {
				for (int t = 0; t < THREADS_PER_NODE; t++) {
					TestNode node = nodes.get(n);
					String holder = n + "." + t;
					Random random = new Random(seed * 131 + n * 17 + t);
					futures.add(pool.submit(() -> {
						start.await();
						byte[] held = null;
						int heldSlot = -1;
						for (int i = 0; i < stepsPerThread; i++) {
							if (held != null) {
								// Release: the unit read its own claim, which nobody else may touch.
								Committed result = node.commit(ks, TestBatch.of(List.of(TestBatch.del(held)),
										List.of(new TestBatch.Unit(0, snapshotSequence(node, ks), List.of(held), List.of(),
												List.of(held)))));
								assertThat(result.rejected()).as("a claim is only released by its holder").isNull();
								history.add(new long[] { result.sequence(), heldSlot, -1 });
								held = null;
								continue;
							}
							int slot = random.nextInt(slots);
							byte[] low = bytes("slot/" + slot + "/");
							byte[] high = bytes("slot/" + slot + "0");
							byte[] claim = bytes("slot/" + slot + "/" + holder);
							long sequence;
							boolean free;
							try (TestSnapshot snapshot = node.snapshot(ks)) {
								sequence = snapshot.sequence();
								free = snapshot.first(ByteRange.closedOpen(low, high)) == null;
							}
							if (!free) {
								continue;
							}
							Committed result = node.commit(ks, TestBatch.of(List.of(TestBatch.put(claim, bytes("held"))),
									List.of(new TestBatch.Unit(0, sequence, List.of(),
											List.of(new io.levelmutex.engine.KeySpan(low, high)), List.of(claim)))));
							if (result.rejected() == null) {
								history.add(new long[] { result.sequence(), slot, +1 });
								held = claim;
								heldSlot = slot;
							}
							else {
								assertThat(result.rejected().reason()).isEqualTo(RejectionReason.SPAN);
							}
						}
						return null;
					}));
				}
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		List<long[]> ordered = new ArrayList<>(history);
		ordered.sort(java.util.Comparator.comparingLong((long[] event) -> event[0]));
		int[] holders = new int[slots];
		int claims = 0;
		for (long[] event : ordered) {
			holders[(int) event[1]] += (int) event[2];
			assertThat(holders[(int) event[1]]).as("holders of slot " + event[1] + " after sequence " + event[0])
				.isBetween(0, 1);
			claims += event[2] > 0 ? 1 : 0;
		}
		assertThat(claims).as("some claims succeeded").isPositive();
		try (TestSnapshot snapshot = nodes.get(0).snapshot(ks)) {
			for (int slot = 0; slot < slots; slot++) {
				assertThat(snapshot.scan(ByteRange.closedOpen(bytes("slot/" + slot + "/"), bytes("slot/" + slot + "0")),
						10, false)).hasSize(holders[slot]);
			}
		}
		System.out.println("MultiNodeCommitTest slots: " + claims + " claims, " + ordered.size() + " events");
	}

	private static long snapshotSequence(TestNode node, PostgresKeyspace ks) {
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			return snapshot.sequence();
		}
	}

	private static List<TestNode> nodes() {
		List<TestNode> nodes = new ArrayList<>();
		for (int n = 0; n < NODES; n++) {
			PGSimpleDataSource dataSource = newDatabase();
			dataSource.setApplicationName("node-" + n);
			// Nothing here is about waiting for connections: a bound for a loaded machine (a PostgresUnavailableException
			// after 2,673 ms of fastSettings' 2 s connectWait was seen under load 10-15), never waited when it passes.
			nodes.add(TestNode.open(dataSource, fastSettings().withWaits(Duration.ofSeconds(30), Duration.ofSeconds(60)), true));
		}
		return nodes;
	}

}
