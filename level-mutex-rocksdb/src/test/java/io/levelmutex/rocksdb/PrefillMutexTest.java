package io.levelmutex.rocksdb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutexes of the embedded engine whose clients issue their next write from the callback of the last (the closed loop
 * the engine fills batches ahead for): every future completes once, in each client's order, and the store holds
 * exactly what the writes leave; durable (through the group committer) and not, one mutex and several.
 */
class PrefillMutexTest {

	@ParameterizedTest(name = "durable {0}")
	@ValueSource(booleans = { false, true })
	void whenClientsWriteFromTheirCallbacksThenEveryWriteIsAppliedOnceInOrder(boolean durable) throws Exception {
		try (TempStore temp = TempStore.open((options) -> options.durable(durable))) {
			List<Mutex<String, String>> mutexes = new ArrayList<>();
			for (int m = 0; m < 3; m++) {
				mutexes.add(temp.store.mutex(MutexOptions.builder("prefill-" + m).build(), Codecs.utf8(),
						Codecs.utf8()));
			}
			int clients = 200;
			int writes = 25;
			CountDownLatch done = new CountDownLatch(clients);
			List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
			AtomicInteger completions = new AtomicInteger();
			for (int c = 0; c < clients; c++) {
				Mutex<String, String> mutex = mutexes.get(c % mutexes.size());
				next(mutex, c, 0, writes, done, failures, completions);
			}
			assertThat(done.await(120, TimeUnit.SECONDS)).as("every client finished").isTrue();
			assertThat(failures).isEmpty();
			assertThat(completions.get()).isEqualTo(clients * writes);
			for (int m = 0; m < mutexes.size(); m++) {
				Mutex<String, String> mutex = mutexes.get(m);
				Map<String, String> expected = new TreeMap<>();
				for (int c = m; c < clients; c += mutexes.size()) {
					for (int k = 0; k < 3; k++) {
						int last = lastWriteOf(k, writes);
						// the last write of that key: a put, or a delete
						expected.put(key(c, k), (last % 7 != 6) ? "w" + last : null);
					}
				}
				Map<String, String> stored = new TreeMap<>();
				for (String key : expected.keySet()) {
					Optional<String> value = mutex.get(key).get(60, TimeUnit.SECONDS);
					stored.put(key, value.orElse(null));
				}
				assertThat(stored).isEqualTo(expected);
			}
		}
	}

	/** The client's write number {@code n}: a put of its key {@code n % 3}, or every seventh a delete of it. */
	private static void next(Mutex<String, String> mutex, int client, int n, int writes, CountDownLatch done,
			List<Throwable> failures, AtomicInteger completions) {
		if (n == writes) {
			done.countDown();
			return;
		}
		String key = key(client, n % 3);
		CompletableFuture<Void> future = (n % 7 == 6) ? mutex.del(key) : mutex.put(key, "w" + n);
		AtomicInteger once = new AtomicInteger();
		future.whenComplete((result, error) -> {
			if (once.incrementAndGet() != 1) {
				failures.add(new AssertionError("completed twice"));
			}
			if (error != null) {
				failures.add(error);
			}
			completions.incrementAndGet();
			next(mutex, client, n + 1, writes, done, failures, completions);
		});
	}

	/** The number of the last write of key {@code k} among {@code writes}. */
	private static int lastWriteOf(int k, int writes) {
		int last = -1;
		for (int n = 0; n < writes; n++) {
			if (n % 3 == k) {
				last = n;
			}
		}
		return last;
	}

	private static String key(int client, int k) {
		return "c" + client + "-" + k;
	}

}
