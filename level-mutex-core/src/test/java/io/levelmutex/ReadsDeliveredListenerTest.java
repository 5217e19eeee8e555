package io.levelmutex;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MutexListener#onReadsDelivered}: the end of a read phase, for tracing. */
class ReadsDeliveredListenerTest {

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final ManualMutex fixture = new ManualMutex("delivered");

	private final Mutex<String, String> mutex = this.fixture.mutex;

	@AfterEach
	void close() {
		this.fixture.close();
	}

	private void listen() {
		this.mutex.addListener(new MutexListener() {
			@Override
			public void onReads(ReadPhaseEvent event) {
				ReadsDeliveredListenerTest.this.events.add("reads:" + event.phase() + ":" + event.reads());
			}

			@Override
			public void onReadsDelivered(ReadPhaseEvent event) {
				ReadsDeliveredListenerTest.this.events.add("delivered:" + event.phase() + ":" + event.reads());
			}

			@Override
			public void onWrites(WriteBatchEvent event) {
				ReadsDeliveredListenerTest.this.events.add("writes:" + event.operations().size());
			}
		});
	}

	@Test
	void whenReadPhaseEndsThenDeliveredFiresAfterEveryResultAndBeforeTheBatch() {
		listen();
		CompletableFuture<?> first = this.mutex.get("a").thenAccept((value) -> this.events.add("result:a"));
		CompletableFuture<?> second = this.mutex.get("b").thenAccept((value) -> {
			this.events.add("result:b");
			this.mutex.put("b", "decided");
		});
		this.fixture.runCycles();
		assertThat(first).isDone();
		assertThat(second).isDone();
		assertThat(this.events).containsExactly("reads:1:2", "result:a", "result:b", "delivered:1:2", "writes:1");
	}

	@Test
	void whenOnlyWritesAreQueuedThenNoReadPhaseEventFires() {
		listen();
		this.mutex.put("a", "1");
		this.fixture.runCycles();
		assertThat(this.events).containsExactly("writes:1");
	}

	@Test
	void whenDeliveredListenerThrowsThenTheCycleGoesOnAndLaterListenersAreCalled() {
		this.mutex.addListener(new MutexListener() {
			@Override
			public void onReadsDelivered(ReadPhaseEvent event) {
				throw new IllegalStateException("listener failure");
			}
		});
		listen();
		CompletableFuture<?> read = this.mutex.get("a");
		CompletableFuture<Void> write = this.mutex.put("a", "1");
		this.fixture.runCycles();
		assertThat(read).isCompleted();
		assertThat(write).isCompleted();
		assertThat(this.events).containsExactly("reads:1:1", "delivered:1:1", "writes:1");
	}

}
