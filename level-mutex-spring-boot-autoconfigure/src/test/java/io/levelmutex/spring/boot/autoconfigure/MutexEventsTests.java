package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.levelmutex.Mutex;
import io.levelmutex.WriteOperation;
import io.levelmutex.spring.boot.MutexEvent;
import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexFlushedEvent;
import io.levelmutex.spring.boot.MutexReadsEvent;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.MutexWritesEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the Spring events bridged from real mutexes by {@link MutexEventPublisher}.
 */
class MutexEventsTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
					"level-mutex.mutexes.orders.prefix=orders/")
			.withUserConfiguration(RecordingListenerConfiguration.class);
	}

	@Test
	void whenBatchFlushedThenEventListenerReceivesItOnTheEventsThread() {
		contextRunner().run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			CompletableFuture<Void> first = orders.put(bytes("a"), bytes("1"));
			CompletableFuture<Void> second = orders.del(bytes("b"));
			CompletableFuture.allOf(first, second).get(20, TimeUnit.SECONDS);
			RecordingListener listener = context.getBean(RecordingListener.class);
			await().atMost(WAIT).until(() -> listener.flushedOperations() >= 2);
			MutexFlushedEvent event = listener.flushed.peek();
			assertThat(event.getMutexName()).isEqualTo("orders");
			assertThat(event.getMutex()).isSameAs(orders);
			assertThat(event.getError()).isEmpty();
			assertThat(event.getDuration().isNegative()).isFalse();
			assertThat(event.getSize()).isEqualTo(event.getOperations().size()).isPositive();
			assertThat(event.getFlushEvent().mutexName()).isEqualTo("orders");
			List<WriteOperation> operations = listener.flushed.stream()
				.flatMap((flushed) -> flushed.getOperations().stream())
				.toList();
			assertThat(operations).extracting(WriteOperation::type)
				.containsExactly(WriteOperation.Type.PUT, WriteOperation.Type.DEL);
			assertThat(operations).extracting((operation) -> new String(operation.key(), StandardCharsets.UTF_8))
				.containsExactly("a", "b");
			assertThat(listener.threads).containsOnly("level-mutex-events");
		});
	}

	@Test
	void whenReadAndWriteEventsOffThenOnlyFlushEventsArePublished() {
		contextRunner().run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			orders.put(bytes("a"), bytes("1")).get(20, TimeUnit.SECONDS);
			orders.get(bytes("a")).get(20, TimeUnit.SECONDS);
			orders.put(bytes("b"), bytes("2")).get(20, TimeUnit.SECONDS);
			RecordingListener listener = context.getBean(RecordingListener.class);
			await().atMost(WAIT).until(() -> listener.flushedOperations() >= 2);
			assertThat(listener.all).allSatisfy((event) -> assertThat(event).isInstanceOf(MutexFlushedEvent.class));
		});
	}

	@Test
	void whenReadAndWriteEventsOnThenTheyArePublishedInPhaseOrder() {
		contextRunner().withPropertyValues("level-mutex.events.reads=true", "level-mutex.events.writes=true")
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				orders.get(bytes("a")).get(20, TimeUnit.SECONDS);
				orders.put(bytes("a"), bytes("1")).get(20, TimeUnit.SECONDS);
				RecordingListener listener = context.getBean(RecordingListener.class);
				await().atMost(WAIT).until(() -> listener.flushedOperations() >= 1);
				List<MutexEvent> events = List.copyOf(listener.all);
				assertThat(events).hasExactlyElementsOfTypes(MutexReadsEvent.class, MutexWritesEvent.class,
						MutexFlushedEvent.class);
				assertThat(((MutexReadsEvent) events.get(0)).getReads()).isEqualTo(1);
				assertThat(((MutexWritesEvent) events.get(1)).getSize()).isEqualTo(1);
			});
	}

	@Test
	void whenListenerThrowsThenCycleAndLaterEventsGoOn() {
		contextRunner().withUserConfiguration(ThrowingListenerConfiguration.class).run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			RecordingListener listener = context.getBean(RecordingListener.class);
			for (int i = 0; i < 5; i++) {
				orders.put(bytes("k" + i), bytes("v" + i)).get(20, TimeUnit.SECONDS);
			}
			await().atMost(WAIT).until(() -> listener.flushedOperations() >= 5);
			assertThat(orders.get(bytes("k4")).get(20, TimeUnit.SECONDS)).isPresent();
			MutexEventPublisher publisher = context.getBean(MutexEventPublisher.class);
			await().atMost(WAIT).until(() -> publisher.stats().listenerFailures() >= 5);
			assertThat(orders.stats().batchesFailed()).isZero();
		});
	}

	@Test
	void whenListenerIsSlowThenWritesDoNotWaitAndOverflowIsCounted() {
		contextRunner().withUserConfiguration(BlockingListenerConfiguration.class)
			.withPropertyValues("level-mutex.events.queue-capacity=2")
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				BlockingListener blocking = context.getBean(BlockingListener.class);
				try {
					for (int i = 0; i < 10; i++) {
						orders.put(bytes("k" + i), bytes("v" + i)).get(20, TimeUnit.SECONDS);
					}
					MutexEventPublisher publisher = context.getBean(MutexEventPublisher.class);
					assertThat(publisher.stats().dropped()).isPositive();
					assertThat(publisher.stats().pending()).isLessThanOrEqualTo(2);
				}
				finally {
					blocking.release.countDown();
				}
			});
	}

	@Test
	void whenWritesHappenDuringStartupThenTheirEventsArePublishedOnceReady() {
		contextRunner().withUserConfiguration(EarlyWriterConfiguration.class).run((context) -> {
			RecordingListener listener = context.getBean(RecordingListener.class);
			await().atMost(WAIT).until(() -> listener.flushedOperations() >= 1);
			assertThat(listener.flushed.peek().getMutexName()).isEqualTo("orders");
			assertThat(listener.flushed.peek().getOperations()).extracting(
					(operation) -> new String(operation.key(), StandardCharsets.UTF_8))
				.containsExactly("written-during-startup");
		});
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingListenerConfiguration {

		@Bean
		RecordingListener recordingListener() {
			return new RecordingListener();
		}

	}

	static class RecordingListener {

		final BlockingQueue<MutexFlushedEvent> flushed = new LinkedBlockingQueue<>();

		final BlockingQueue<MutexEvent> all = new LinkedBlockingQueue<>();

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		@EventListener
		@Order(1)
		void onEvent(MutexEvent event) {
			this.threads.add(Thread.currentThread().getName());
			this.all.add(event);
			if (event instanceof MutexFlushedEvent flushedEvent) {
				this.flushed.add(flushedEvent);
			}
		}

		int flushedOperations() {
			return this.flushed.stream().mapToInt(MutexFlushedEvent::getSize).sum();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ThrowingListenerConfiguration {

		@Bean
		ThrowingListener throwingListener() {
			return new ThrowingListener();
		}

	}

	static class ThrowingListener {

		@EventListener
		@Order(2)
		void onFlushed(MutexFlushedEvent event) {
			throw new IllegalStateException("listener failure for " + event.getMutexName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlockingListenerConfiguration {

		@Bean
		BlockingListener blockingListener() {
			return new BlockingListener();
		}

	}

	static class BlockingListener {

		final CountDownLatch release = new CountDownLatch(1);

		@EventListener
		void onFlushed(MutexFlushedEvent event) throws InterruptedException {
			this.release.await(60, TimeUnit.SECONDS);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EarlyWriterConfiguration {

		@Bean
		EarlyWriter earlyWriter(MutexRegistry registry) throws Exception {
			registry.mutex("orders").put(bytes("written-during-startup"), bytes("v")).get(20, TimeUnit.SECONDS);
			return new EarlyWriter();
		}

	}

	static class EarlyWriter {

	}

}
