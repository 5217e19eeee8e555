package io.levelmutex.postgres;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.RemoteChangeEvent;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A mutex whose close was abandoned (an update function still blocked when {@code closeTimeout} passed) is gone from
 * its store: the store opens a new mutex of the same name, whose remote changes are delivered to it from its own
 * opening on, while the abandoned phase is still blocked and after it returns.
 */
class ReopenAfterAbandonedCloseTest extends ClusterTestSupport {

	private static final long WAIT_SECONDS = 30; // a failure signal only: never waited this long when it passes

	@Test
	void whenAMutexsCloseWasAbandonedThenTheStoreOpensItAgainAndItsRemoteChangesAreDelivered() throws Exception {
		PGSimpleDataSource database = newDatabase();
		MutexStore node = PostgresStore.builder(database)
			.tablePrefix(prefix)
			.pollInterval(Duration.ofMillis(200))
			.connectWait(Duration.ofSeconds(2))
			.resolveWait(Duration.ofSeconds(2))
			.storeOptions(StoreOptions.builder().cycleThreads(2).closeTimeout(Duration.ofMillis(300)).build())
			.open();
		MutexStore other = openStore(database);
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try {
			Mutex<String, String> first = node.mutex(MutexOptions.builder("m").build(), Codecs.utf8(), Codecs.utf8());
			first.put("k", "0").join();
			CompletableFuture<String> stuck = first.update((context) -> {
				blocked.countDown();
				release.await();
				return "done";
			});
			assertThat(blocked.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
			first.closeAsync().get(WAIT_SECONDS, TimeUnit.SECONDS);
			assertThat(stuck).failsWithin(Duration.ofSeconds(WAIT_SECONDS)).withThrowableThat()
				.havingCause()
				.isInstanceOf(MutexClosedException.class);

			Mutex<String, String> second = node.mutex(MutexOptions.builder("m").build(), Codecs.utf8(), Codecs.utf8());
			List<RemoteChangeEvent> heard = new CopyOnWriteArrayList<>();
			second.addListener(new MutexListener() {
				@Override
				public void onRemoteChange(RemoteChangeEvent event) {
					heard.add(event);
				}
			});
			Mutex<String, String> writer = other.mutex(MutexOptions.builder("m").build(), Codecs.utf8(), Codecs.utf8());
			writer.put("k", "1").join();
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> !heard.isEmpty());
			assertThat(heard).containsExactly(new RemoteChangeEvent("m", 2, 2));
			assertThat(second.get("k").join()).contains("1");

			release.countDown();
			second.put("k", "2").join();
			writer.put("k", "3").join();
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> heard.size() == 2);
			assertThat(heard).containsExactly(new RemoteChangeEvent("m", 2, 2), new RemoteChangeEvent("m", 4, 4));
			assertThatThrownBy(() -> first.put("k", "x")).isInstanceOf(MutexClosedException.class);
		}
		finally {
			release.countDown();
			other.close();
			node.close();
		}
	}

}
