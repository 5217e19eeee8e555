package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded differential run of the cycle against a sorted-map model, with small random batch
 * limits (spill, units that do not fit, units larger than a batch), inverted and empty ranges,
 * retries allowed, writes issued from read completions, afterWrite barriers, and injected
 * batch failures (exceptions and Errors). Checked after every round: every future completes
 * (issued vs completed), reads equal the model at the round's start, writes and updates take
 * effect in issue order exactly as the model applies them (no lost or phantom update), each
 * update's result equals the model's, barriers complete only after every earlier write, no
 * update conflicts. A seed replays: {@code -Dtest='DifferentialCycleTest'} with the printed seed.
 */
class DifferentialCycleTest {

	private static final String[] KEYS = { "a", "b", "c", "d", "e", "f" };

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })
	void whenRandomOperationsRunWithSmallLimitsAndFaultsThenTheMutexAgreesWithTheModel(long seed) {
		System.out.println("DifferentialCycleTest seed " + seed);
		Random random = new Random(seed);
		int maxOperations = 1 + random.nextInt(4);
		long maxBytes = 12 + random.nextInt(60);
		Random faults = new Random(seed * 31 + 7);
		double faultRate = (seed % 3 == 0) ? 0 : 0.15;
		ManualExecutor executor = new ManualExecutor();
		try (TempStore temp = TempStore.open((builder) -> builder.batchInterceptor((name, ops) -> {
			if (faults.nextDouble() < faultRate) {
				if (faults.nextBoolean()) {
					throw new IllegalStateException("injected batch fault");
				}
				throw new AssertionError("injected batch Error");
			}
		}))) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("diff")
				.maxBatchOperations(maxOperations)
				.maxBatchBytes(maxBytes)
				.maxUpdateAttempts(1 + random.nextInt(3))
				.executor(executor)
				.build(), Codecs.utf8(), Codecs.utf8());
			TreeMap<String, String> model = new TreeMap<>();
			Round round = new Round(mutex);
			for (int r = 0; r < 40; r++) {
				round.clear();
				Map<String, String> before = new TreeMap<>(model);
				int count = 1 + random.nextInt(12);
				for (int i = 0; i < count; i++) {
					round.issueRandom(random);
				}
				executor.runAll();
				String where = "seed " + seed + ", round " + r + " (maxBatchOperations " + maxOperations
						+ ", maxBatchBytes " + maxBytes + ")";
				assertThat(round.completed).as("operations completed vs issued, %s", where).hasValue(round.issued);
				round.checkReads(before, where);
				round.applyWrites(model, where);
				round.checkLateReads(model, where);
				assertThat(round.barrierViolations).as("barriers completed early, %s", where).isZero();
				CompletableFuture<List<Entry<String, String>>> all = mutex.scan(KeyRange.all(), 100);
				executor.runAll();
				assertThat(toMap(all.join())).as("store vs model after %s", where).isEqualTo(model);
			}
			assertThat(mutex.stats().conflicts()).isZero();
			assertThat(mutex.stats().queued()).isZero();
			mutex.closeAsync();
			executor.runAll();
		}
	}

	private static Map<String, String> toMap(List<Entry<String, String>> entries) {
		Map<String, String> map = new TreeMap<>();
		entries.forEach((entry) -> map.put(entry.key(), entry.value()));
		return map;
	}

	/** What was issued in one round, in issue order. */
	static final class Round {

		private final Mutex<String, String> mutex;

		final List<Issued> writes = new ArrayList<>();

		final List<Issued> reads = new ArrayList<>();

		final List<Issued> lateReads = new ArrayList<>();

		final AtomicInteger completed = new AtomicInteger();

		int issued;

		int barrierViolations;

		Round(Mutex<String, String> mutex) {
			this.mutex = mutex;
		}

		void clear() {
			this.writes.clear();
			this.reads.clear();
			this.lateReads.clear();
			this.completed.set(0);
			this.issued = 0;
			this.barrierViolations = 0;
		}

		void issueRandom(Random random) {
			String key = KEYS[random.nextInt(KEYS.length)];
			String value = "v" + random.nextInt(100);
			switch (random.nextInt(11)) {
				case 0 -> write(key, value);
				case 1 -> write(key, null);
				case 2 -> read(new Issued.Get(key, track(this.mutex.get(key))));
				case 3 -> {
					KeyRange<String> range = randomRange(random);
					boolean first = random.nextBoolean();
					read(new Issued.Peek(range, first,
							track(first ? this.mutex.peekFirst(range) : this.mutex.peekLast(range))));
				}
				case 4 -> {
					KeyRange<String> range = randomRange(random);
					int limit = 1 + random.nextInt(4);
					boolean reverse = random.nextBoolean();
					read(new Issued.Scan(range, limit, reverse, track(this.mutex.scan(range, limit, reverse))));
				}
				case 5 -> {
					// read, then write from its completion: joins this round's write phase
					String target = KEYS[random.nextInt(KEYS.length)];
					CompletableFuture<Optional<String>> get = track(this.mutex.get(key));
					read(new Issued.Get(key, get));
					get.thenAccept((found) -> write(target, found.orElse("none") + "c"));
				}
				case 6 -> {
					List<CompletableFuture<?>> earlier = new ArrayList<>();
					this.writes.forEach((write) -> earlier.add(write.future()));
					CompletableFuture<Void> barrier = track(this.mutex.afterWrite());
					barrier.thenRun(() -> {
						if (!earlier.stream().allMatch(CompletableFuture::isDone)) {
							this.barrierViolations++;
						}
					});
				}
				case 7 -> {
					// a read issued once a write completed runs after the whole write phase
					String target = KEYS[random.nextInt(KEYS.length)];
					write(key, value);
					this.writes.get(this.writes.size() - 1).future().whenComplete((done, error) -> {
						this.lateReads.add(new Issued.Get(target, track(this.mutex.get(target))));
					});
				}
				default -> {
					UpdateFunction<String, String, String> function = randomUpdate(random);
					this.writes.add(new Issued.Update(function, track(this.mutex.update(function))));
				}
			}
		}

		private void write(String key, @Nullable String value) {
			CompletableFuture<Void> future = (value != null) ? this.mutex.put(key, value) : this.mutex.del(key);
			this.writes.add(new Issued.Write(key, value, track(future)));
		}

		private void read(Issued read) {
			this.reads.add(read);
		}

		private <T> CompletableFuture<T> track(CompletableFuture<T> future) {
			this.issued++;
			future.whenComplete((result, error) -> this.completed.incrementAndGet());
			return future;
		}

		void checkReads(Map<String, String> before, String where) {
			checkReads(this.reads, before, where);
		}

		void checkLateReads(Map<String, String> after, String where) {
			checkReads(this.lateReads, after, "late read, " + where);
		}

		private static void checkReads(List<Issued> reads, Map<String, String> before, String where) {
			TreeMap<String, String> state = new TreeMap<>(before);
			for (Issued read : reads) {
				if (read instanceof Issued.Get get) {
					assertThat(get.future().join()).as("get %s, %s", get.key(), where)
						.isEqualTo(Optional.ofNullable(state.get(get.key())));
				}
				else if (read instanceof Issued.Peek peek) {
					List<Entry<String, String>> entries = inRange(state, peek.range(), !peek.first());
					assertThat(peek.future().join()).as("peek %s, %s", peek.range(), where)
						.isEqualTo(entries.stream().findFirst());
				}
				else if (read instanceof Issued.Scan scan) {
					List<Entry<String, String>> entries = inRange(state, scan.range(), scan.reverse());
					assertThat(scan.future().join()).as("scan %s, %s", scan.range(), where)
						.isEqualTo(entries.subList(0, Math.min(scan.limit(), entries.size())));
				}
			}
		}

		void applyWrites(TreeMap<String, String> model, String where) {
			boolean earlierFailed = false;
			for (Issued item : this.writes) {
				Throwable failure = failure(item.future());
				if (item instanceof Issued.Write write) {
					if (failure == null) {
						if (write.value() != null) {
							model.put(write.key(), write.value());
						}
						else {
							model.remove(write.key());
						}
					}
					else {
						assertThat(failure).as("write failure, %s", where).isInstanceOf(StorageException.class);
						earlierFailed = true;
					}
				}
				else if (item instanceof Issued.Update update) {
					ModelContext context = new ModelContext(model);
					String expected = null;
					Exception thrown = null;
					try {
						expected = update.function().apply(context);
					}
					catch (Exception ex) {
						thrown = ex;
					}
					if (failure == null) {
						assertThat(thrown).as("model threw where the mutex committed, %s", where).isNull();
						assertThat(update.future().join()).as("update result, %s", where).isEqualTo(expected);
						context.apply();
					}
					else if (failure instanceof StorageException) {
						earlierFailed = true;
					}
					else {
						// the function threw: on the model's state too, unless its view held writes of
						// its own batch that then failed
						assertThat(failure).as("update failure, %s", where).isInstanceOf(IllegalStateException.class);
						if (!earlierFailed) {
							assertThat(thrown).as("model's exception, %s", where)
								.isNotNull()
								.hasMessage(failure.getMessage());
						}
					}
				}
			}
		}

		private static @Nullable Throwable failure(CompletableFuture<?> future) {
			try {
				future.join();
				return null;
			}
			catch (CompletionException ex) {
				return ex.getCause();
			}
		}

	}

	/** An issued operation. */
	sealed interface Issued {

		CompletableFuture<?> future();

		record Write(String key, @Nullable String value, CompletableFuture<Void> future) implements Issued {
		}

		record Update(UpdateFunction<String, String, String> function, CompletableFuture<String> future)
				implements Issued {
		}

		record Get(String key, CompletableFuture<Optional<String>> future) implements Issued {
		}

		record Peek(KeyRange<String> range, boolean first, CompletableFuture<Optional<Entry<String, String>>> future)
				implements Issued {
		}

		record Scan(KeyRange<String> range, int limit, boolean reverse,
				CompletableFuture<List<Entry<String, String>>> future) implements Issued {
		}

	}

	static KeyRange<String> randomRange(Random random) {
		String start = KEYS[random.nextInt(KEYS.length)];
		String end = KEYS[random.nextInt(KEYS.length)]; // often before start: an inverted range
		return switch (random.nextInt(6)) {
			case 0 -> KeyRange.all();
			case 1 -> KeyRange.closed(start, end);
			case 2 -> KeyRange.closedOpen(start, end);
			case 3 -> KeyRange.atLeast(start);
			case 4 -> KeyRange.lessThan(end);
			default -> KeyRange.<String>greaterThan(start).withEnd(end, random.nextBoolean());
		};
	}

	static UpdateFunction<String, String, String> randomUpdate(Random random) {
		String key = KEYS[random.nextInt(KEYS.length)];
		String other = KEYS[random.nextInt(KEYS.length)];
		String tag = Integer.toString(random.nextInt(10));
		KeyRange<String> range = randomRange(random);
		return switch (random.nextInt(5)) {
			case 0 -> (ctx) -> {
				String current = ctx.get(key).orElse("");
				ctx.put(key, ((current.length() > 8) ? "" : current) + tag);
				return current;
			};
			case 1 -> (ctx) -> {
				Optional<Entry<String, String>> first = ctx.peekFirst(range);
				first.ifPresent((entry) -> {
					ctx.del(entry.key());
					ctx.put(other, entry.value());
				});
				return first.map(Entry::key).orElse("none");
			};
			case 2 -> (ctx) -> {
				String current = ctx.get(key).orElseThrow(() -> new IllegalStateException("absent " + key));
				ctx.put(other, current);
				return "copied";
			};
			case 3 -> (ctx) -> ctx.peekLast(range).map(Entry::key).orElse("none");
			default -> (ctx) -> {
				for (String each : KEYS) {
					if (each.compareTo(key) >= 0) {
						ctx.put(each, tag);
					}
				}
				return "wide";
			};
		};
	}

	static List<Entry<String, String>> inRange(TreeMap<String, String> state, KeyRange<String> range, boolean reverse) {
		List<Entry<String, String>> entries = new ArrayList<>();
		for (Map.Entry<String, String> entry : state.entrySet()) {
			if (contains(range, entry.getKey())) {
				entries.add(new Entry<>(entry.getKey(), entry.getValue()));
			}
		}
		if (reverse) {
			java.util.Collections.reverse(entries);
		}
		return entries;
	}

	static boolean contains(KeyRange<String> range, String key) {
		String start = range.start();
		String end = range.end();
		boolean afterStart = start == null || key.compareTo(start) > 0 || (range.startInclusive() && key.equals(start));
		boolean beforeEnd = end == null || key.compareTo(end) < 0 || (range.endInclusive() && key.equals(end));
		return afterStart && beforeEnd;
	}

	/** The model's update context: reads the model's state, not its own writes. */
	static final class ModelContext implements UpdateContext<String, String> {

		private final TreeMap<String, String> state;

		private final List<String[]> writes = new ArrayList<>();

		ModelContext(TreeMap<String, String> state) {
			this.state = state;
		}

		@Override
		public Optional<String> get(String key) {
			return Optional.ofNullable(this.state.get(key));
		}

		@Override
		public <T> Optional<T> get(String key, Codec<T> valueCodec) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Optional<Entry<String, String>> peekFirst(KeyRange<String> range) {
			return inRange(this.state, range, false).stream().findFirst();
		}

		@Override
		public Optional<Entry<String, String>> peekLast(KeyRange<String> range) {
			return inRange(this.state, range, true).stream().findFirst();
		}

		@Override
		public void put(String key, String value) {
			this.writes.add(new String[] { key, value });
		}

		@Override
		public <T> void put(String key, T value, Codec<T> valueCodec) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void del(String key) {
			this.writes.add(new String[] { key, null });
		}

		@Override
		public int attempt() {
			return 1;
		}

		void apply() {
			for (String[] write : this.writes) {
				if (write[1] != null) {
					this.state.put(write[0], write[1]);
				}
				else {
					this.state.remove(write[0]);
				}
			}
		}

	}

}
