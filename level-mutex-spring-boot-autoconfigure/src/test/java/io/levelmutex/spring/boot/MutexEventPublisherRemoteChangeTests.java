package io.levelmutex.spring.boot;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.RemoteChangeEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Remote changes go through the same bounded queue as every other mutex event: held until the publisher starts,
 * dropped and counted beyond the capacity, published in the order reported, as {@link MutexRemoteChangeEvent}s
 * carrying the mutex and the sequence range.
 */
class MutexEventPublisherRemoteChangeTests {

	@SuppressWarnings("unchecked")
	private static MutexListener attachedListener(MutexEventPublisher publisher) {
		Mutex<byte[], byte[]> mutex = mock(Mutex.class);
		given(mutex.name()).willReturn("orders");
		ArgumentCaptor<MutexListener> listener = ArgumentCaptor.forClass(MutexListener.class);
		given(mutex.addListener(any())).willReturn(mock(Mutex.ListenerRegistration.class));
		publisher.attach(mutex);
		verify(mutex).addListener(listener.capture());
		return listener.getValue();
	}

	@Test
	void whenTheQueueIsFullThenAFurtherRemoteChangeIsDroppedAndCounted() {
		List<Object> published = new CopyOnWriteArrayList<>();
		MutexEventPublisher publisher = new MutexEventPublisher(published::add, 1, false, false);
		MutexListener listener = attachedListener(publisher);
		listener.onRemoteChange(new RemoteChangeEvent("orders", 1, 3));
		listener.onRemoteChange(new RemoteChangeEvent("orders", 4, 4));
		assertThat(publisher.stats().pending()).isEqualTo(1);
		assertThat(publisher.stats().dropped()).isEqualTo(1);
		assertThat(published).as("nothing is published before start").isEmpty();
		publisher.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(60)) // a bound for a failure report on 2 loaded cores, never waited when it passes
				.until(() -> published.size() == 1);
			assertThat(published).singleElement().isInstanceOfSatisfying(MutexRemoteChangeEvent.class, (event) -> {
				assertThat(event.getMutexName()).isEqualTo("orders");
				assertThat(event.getFromSequence()).isEqualTo(1);
				assertThat(event.getToSequence()).isEqualTo(3);
			});
			assertThat(publisher.stats().published()).isEqualTo(1);
		}
		finally {
			publisher.stop();
		}
	}

	@Test
	void whenRemoteChangesAreReportedThenTheyArePublishedInOrder() {
		List<Object> published = new CopyOnWriteArrayList<>();
		MutexEventPublisher publisher = new MutexEventPublisher(published::add, 100, false, false);
		MutexListener listener = attachedListener(publisher);
		publisher.start();
		try {
			for (long sequence = 1; sequence <= 20; sequence++) {
				listener.onRemoteChange(new RemoteChangeEvent("orders", sequence, sequence));
			}
			Awaitility.await().atMost(Duration.ofSeconds(60)) // a bound for a failure report on 2 loaded cores, never waited when it passes
				.until(() -> published.size() == 20);
			assertThat(published).extracting((event) -> ((MutexRemoteChangeEvent) event).getFromSequence())
				.isSorted()
				.doesNotHaveDuplicates();
			assertThat(publisher.stats().dropped()).isZero();
		}
		finally {
			publisher.stop();
		}
	}

}
