package io.levelmutex.spring.boot;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.ReadPhaseEvent;
import io.levelmutex.RemoteChangeEvent;
import io.levelmutex.WriteBatchEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Bridges mutex phase events, and the remote changes an engine with other writers reports
 * ({@link MutexRemoteChangeEvent}), to Spring {@link MutexEvent application events} without ever
 * holding up a mutex.
 *
 * <p>A mutex's listeners run on its cycle thread; this bridge's listener only wraps the event
 * and appends it to a queue (never blocking: when {@code capacity} events are already waiting
 * the event is dropped and counted). One dedicated daemon thread, {@code level-mutex-events},
 * publishes the queued events through the {@link ApplicationEventPublisher}, one at a time, in
 * queue order, so the events of one mutex arrive in the order it produced them. A listener
 * that throws is logged and counted, and publishing goes on with the next event.
 *
 * <p>The thread starts with the application context ({@link #start()}, after every singleton,
 * and so every {@code @EventListener}, exists); events produced earlier wait in the queue.
 * {@link #stop(Runnable)} publishes everything queued before it, then ends the thread; events
 * produced after it are dropped and counted. Its phase is below the
 * {@link MutexRegistry registry's}, so the events of the batches flushed while the mutexes
 * close on shutdown are still published.
 */
public final class MutexEventPublisher implements SmartLifecycle {

	/** The lifecycle phase: just below the registry's, so this stops after it. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4097;

	private static final Log logger = LogFactory.getLog(MutexEventPublisher.class);

	private final ApplicationEventPublisher publisher;

	private final int capacity;

	private final boolean reads;

	private final boolean writes;

	/** Thread-safe; producers are cycle threads, the consumer is the publisher thread. */
	private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

	/** Events in the queue; incremented by producers, decremented by the publisher thread. */
	private final AtomicInteger pending = new AtomicInteger();

	private final LongAdder published = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder listenerFailures = new LongAdder();

	private final Object lifecycleLock = new Object();

	/** Guarded by {@link #lifecycleLock}; read without it by producers. */
	private volatile boolean accepting = true;

	/** Guarded by {@link #lifecycleLock}. */
	private @Nullable Thread thread;

	/**
	 * Creates a publisher; nothing is published until {@link #start()}.
	 * @param publisher where events are published, usually the application context
	 * @param capacity the most events waiting at once, at least 1
	 * @param reads whether to publish {@link MutexReadsEvent}s
	 * @param writes whether to publish {@link MutexWritesEvent}s
	 */
	public MutexEventPublisher(ApplicationEventPublisher publisher, int capacity, boolean reads, boolean writes) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1 but was " + capacity);
		}
		this.publisher = publisher;
		this.capacity = capacity;
		this.reads = reads;
		this.writes = writes;
	}

	/**
	 * Starts bridging a mutex's events: registers a listener on it.
	 * @param mutex the mutex
	 * @return the listener's registration
	 */
	public Mutex.ListenerRegistration attach(Mutex<?, ?> mutex) {
		return mutex.addListener(new Bridge(mutex));
	}

	/**
	 * The bridge's counters.
	 * @return a snapshot
	 */
	public Stats stats() {
		return new Stats(Math.max(0, this.pending.get()), this.published.sum(), this.dropped.sum(),
				this.listenerFailures.sum());
	}

	void enqueue(MutexEvent event) {
		boolean accepted = false;
		if (this.accepting) {
			if (this.pending.incrementAndGet() <= this.capacity) {
				accepted = true;
			}
			else {
				this.pending.decrementAndGet();
			}
		}
		if (accepted) {
			this.queue.add(event);
			return;
		}
		long before = this.dropped.sum();
		this.dropped.increment();
		if (before == 0) {
			logger.warn("Dropped " + event + " (level-mutex.events.queue-capacity=" + this.capacity
					+ " events are waiting, or the application is stopping); further drops are counted in"
					+ " the levelMutex health details and the level.mutex.events.dropped metric");
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycleLock) {
			if (this.thread != null) {
				return;
			}
			this.accepting = true;
			Thread publisherThread = new Thread(this::publishLoop, "level-mutex-events");
			publisherThread.setDaemon(true);
			this.thread = publisherThread;
			publisherThread.start();
		}
	}

	@Override
	public void stop(Runnable callback) {
		synchronized (this.lifecycleLock) {
			this.accepting = false;
			if (this.thread == null) {
				callback.run();
				return;
			}
			this.thread = null;
			this.queue.add(new Stop(callback));
		}
	}

	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			if (!stopped.await(30, TimeUnit.SECONDS)) {
				logger.warn("Gave up waiting for the level-mutex-events thread: a listener is still running");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lifecycleLock) {
			return this.thread != null;
		}
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void publishLoop() {
		while (true) {
			Object next;
			try {
				next = this.queue.take();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (next instanceof Stop stop) {
				stop.callback().run();
				return;
			}
			this.pending.decrementAndGet();
			publish((MutexEvent) next);
		}
	}

	private void publish(MutexEvent event) {
		try {
			this.publisher.publishEvent(event);
			this.published.increment();
		}
		catch (RuntimeException | LinkageError | AssertionError ex) {
			this.listenerFailures.increment();
			logger.warn("A listener failed on " + event + "; publishing goes on", ex);
		}
	}

	/**
	 * The bridge's counters.
	 *
	 * @param pending events waiting to be published
	 * @param published events published (every listener returned)
	 * @param dropped events dropped because the queue was full or the bridge was stopped
	 * @param listenerFailures events for which a listener threw
	 */
	public record Stats(int pending, long published, long dropped, long listenerFailures) {
	}

	private record Stop(Runnable callback) {
	}

	/** Runs on the mutex's cycle thread: wraps and enqueues, nothing more. */
	private final class Bridge implements MutexListener {

		private final Mutex<?, ?> mutex;

		Bridge(Mutex<?, ?> mutex) {
			this.mutex = mutex;
		}

		@Override
		public void onReads(ReadPhaseEvent event) {
			if (MutexEventPublisher.this.reads) {
				enqueue(new MutexReadsEvent(this.mutex, event));
			}
		}

		@Override
		public void onWrites(WriteBatchEvent event) {
			if (MutexEventPublisher.this.writes) {
				enqueue(new MutexWritesEvent(this.mutex, event));
			}
		}

		@Override
		public void onFlushed(FlushEvent event) {
			enqueue(new MutexFlushedEvent(this.mutex, event));
		}

		/** Runs on the engine's notification thread: wraps and enqueues, nothing more. */
		@Override
		public void onRemoteChange(RemoteChangeEvent event) {
			enqueue(new MutexRemoteChangeEvent(this.mutex, event));
		}

	}

}
