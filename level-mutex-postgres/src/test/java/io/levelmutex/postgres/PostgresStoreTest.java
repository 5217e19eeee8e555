package io.levelmutex.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Entry;
import io.levelmutex.FlushEvent;
import io.levelmutex.InvalidInputException;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.RemoteChangeEvent;
import io.levelmutex.StoreHealth;
import io.levelmutex.StoreOptions;
import io.levelmutex.WriteConflictException;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Mutex API on {@link PostgresStore}, as it behaves on RocksDB: reads, writes, peeks, scans, updates,
 * afterWrite, events with their sequence; and what only a shared engine has: a second store ("node") on the same
 * database sees the writes, hears of them as remote changes, and its commits reject a stale update, which runs
 * again and, past maxUpdateAttempts, fails with {@link WriteConflictException}.
 */
class PostgresStoreTest extends ClusterTestSupport {

	private PGSimpleDataSource database;

	private MutexStore store;

	private MutexStore node2;

	@BeforeEach
	void open() {
		this.database = newDatabase();
		this.store = openStore(this.database);
		this.node2 = openStore(this.database);
	}

	@AfterEach
	void close() {
		this.store.close();
		this.node2.close();
	}

	private static Mutex<String, String> strings(MutexStore store, String name, int maxUpdateAttempts) {
		return store.mutex(MutexOptions.builder(name).maxUpdateAttempts(maxUpdateAttempts).build(), Codecs.utf8(),
				Codecs.utf8());
	}

	@Test
	void whenTheMutexApiRunsOnPostgresThenItBehavesAsOnTheEmbeddedEngine() {
		Mutex<String, String> orders = strings(this.store, "orders", 3);
		ConcurrentLinkedQueue<FlushEvent> flushed = new ConcurrentLinkedQueue<>();
		orders.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				flushed.add(event);
			}
		});
		assertThat(this.store.description()).isEqualTo("postgresql " + prefix + " tables");
		orders.put("a", "1");
		orders.put("b", "2");
		orders.put("c", "3").join();
		orders.del("b").join();
		assertThat(orders.get("a").join()).contains("1");
		assertThat(orders.get("b").join()).isEmpty();
		assertThat(orders.peekFirst().join().map(Entry::key)).contains("a");
		assertThat(orders.peekLast().join().map(Entry::value)).contains("3");
		assertThat(orders.peekFirst(KeyRange.closedOpen("c", "a")).join()).as("inverted").isEmpty();
		assertThat(orders.scan(KeyRange.all(), 10).join()).extracting(Entry::key).containsExactly("a", "c");
		assertThat(orders.scan(KeyRange.all(), 1, true).join()).extracting(Entry::key).containsExactly("c");
		String result = orders.<String>update((context) -> {
			String a = context.get("a").orElseThrow();
			context.put("sum", a + context.get("c").orElseThrow());
			context.del("a");
			return "attempt " + context.attempt();
		}).join();
		assertThat(result).isEqualTo("attempt 1");
		orders.afterWrite().join();
		assertThat(orders.get("sum").join()).contains("13");
		assertThat(orders.get("a").join()).isEmpty();
		List<Long> sequences = flushed.stream().map(FlushEvent::sequence).toList();
		assertThat(sequences).as("one sequence per batch, gapless from 1").isEqualTo(
				java.util.stream.LongStream.rangeClosed(1, sequences.size()).boxed().toList());
		assertThat(flushed).allMatch(FlushEvent::succeeded);
		assertThatThrownBy(() -> orders.put("k".repeat(2049), "v")).isInstanceOf(InvalidInputException.class)
			.hasMessageContaining("2048");
		StoreHealth health = this.store.health();
		assertThat(health.engine()).isEqualTo("postgresql");
		assertThat(health.open()).isTrue();
		assertThat(health.details()).containsEntry("lastCommitSequence", (long) sequences.size());
		assertThat(this.store.directory()).as("no local directory: not the embedded engine").isNull();
	}

	@Test
	void whenAnotherNodeWritesThenThisNodeReadsItAndHearsOfItAsARemoteChange() {
		Mutex<String, String> here = strings(this.store, "shared", 3);
		Mutex<String, String> there = strings(this.node2, "shared", 3);
		ConcurrentLinkedQueue<RemoteChangeEvent> remote = new ConcurrentLinkedQueue<>();
		here.addListener(new MutexListener() {
			@Override
			public void onRemoteChange(RemoteChangeEvent event) {
				remote.add(event);
			}
		});
		here.put("mine", "1").join();
		there.put("theirs", "2").join();
		there.put("theirs", "3").join();
		await().atMost(30, TimeUnit.SECONDS).until(() -> remote.stream().mapToLong(RemoteChangeEvent::batches).sum() == 2);
		assertThat(remote).allMatch((event) -> event.mutexName().equals("shared"));
		assertThat(remote.stream().flatMap((event) -> java.util.stream.LongStream
			.rangeClosed(event.fromSequence(), event.toSequence()).boxed()).toList()).containsExactly(2L, 3L);
		assertThat(here.get("theirs").join()).contains("3");
		assertThat(there.get("mine").join()).contains("1");
	}

	@Test
	void whenAnotherNodeCommitsDuringAnUpdateThenItRunsAgainAfterTheAppliedPrefixAndTheWritesAfterItFollow() {
		Mutex<String, String> here = strings(this.store, "cas", 3);
		Mutex<String, String> there = strings(this.node2, "cas", 3);
		there.put("k", "0").join();
		ConcurrentLinkedQueue<FlushEvent> flushed = new ConcurrentLinkedQueue<>();
		here.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				flushed.add(event);
			}
		});
		List<CompletableFuture<?>> writes = new ArrayList<>();
		// Issued from the read's callback on its completing thread: all three join the very next write phase.
		ReadCallbacks.onCompletingThread(here, "k", () -> {
			writes.add(here.put("before", "b"));
			writes.add(here.<Integer>update((context) -> {
				String k = context.get("k").orElseThrow();
				if (context.attempt() == 1) {
					interfere(there, "k", "changed");
				}
				context.put("k", k + "+1");
				return context.attempt();
			}));
			writes.add(here.put("after", "a"));
		}).join();
		CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).join();
		assertThat(writes.get(1).join()).as("the update ran twice").isEqualTo(2);
		assertThat(here.get("k").join()).contains("changed+1");
		assertThat(here.get("before").join()).contains("b");
		assertThat(here.get("after").join()).contains("a");
		List<FlushEvent> events = new ArrayList<>(flushed);
		assertThat(events.get(0).operations()).as("the applied prefix").hasSize(1);
		assertThat(events.get(0).sequence()).isEqualTo(3);
		assertThat(events.get(1).operations()).as("the update, then the write after it").hasSize(2);
		assertThat(events.get(1).sequence()).isEqualTo(4);
	}

	@Test
	void whenAnotherNodeCommitsBeforeEveryAttemptThenTheUpdateFailsWithWriteConflictAfterMaxAttempts() {
		Mutex<String, String> here = strings(this.store, "conflicts", 2);
		Mutex<String, String> there = strings(this.node2, "conflicts", 2);
		CompletableFuture<Integer> update = here.update((context) -> {
			context.get("k");
			interfere(there, "k", "attempt " + context.attempt());
			context.put("k", "mine");
			return context.attempt();
		});
		assertThatThrownBy(update::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(WriteConflictException.class)
			.hasMessageContaining("conflicts");
		assertThat(here.get("k").join()).contains("attempt 2");
		assertThat(here.update((context) -> {
			context.put("k", "finally");
			return context.attempt();
		}).join()).isEqualTo(1);
	}

	/** Makes the other node commit a write and waits for it (on this node's cycle thread: a latch, not a join). */
	private static void interfere(Mutex<String, String> there, String key, String value) {
		CountDownLatch done = new CountDownLatch(1);
		there.put(key, value).whenComplete((ignored, failure) -> done.countDown());
		try {
			assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void whenTheSchemaIsMissingAndMayNotBeCreatedOrSettingsAreBadThenOpeningFailsTyped() {
		assertThatThrownBy(() -> PostgresStore.builder(this.database).tablePrefix("fresh_" + prefix)
			.initializeSchema(false)
			.open()).isInstanceOf(io.levelmutex.StorageException.class).hasMessageContaining("No level-mutex schema");
		assertThatThrownBy(() -> PostgresStore.builder(this.database).tablePrefix("Bad-Prefix"))
			.isInstanceOf(InvalidInputException.class).hasMessageContaining("Bad-Prefix");
		assertThatThrownBy(() -> PostgresStore.builder(this.database).pollInterval(Duration.ZERO))
			.isInstanceOf(InvalidInputException.class).hasMessageContaining("pollInterval");
		Map<String, Object> details = this.store.health().details();
		assertThat(details).containsKeys("databaseReachable", "listenerConnected", "pollingLagMillis");
		Optional<Mutex<byte[], byte[]>> none = this.store.find("nothing");
		assertThat(none).isEmpty();
	}

}
