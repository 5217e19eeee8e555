package io.levelmutex.sample.couch;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * One {@code longpoll} or {@code continuous} {@code _changes} request, streamed through a
 * {@link ResponseBodyEmitter}.
 *
 * <p>The feed registers with the {@link ChangeNotifier} before each read, so that a batch
 * flushed while it reads wakes it again; it never polls the store. A {@code longpoll} feed
 * answers with the first non-empty page (or an empty one at the timeout); a
 * {@code continuous} feed writes one line per change, and a last line with
 * {@code last_seq} when its limit is reached or its timeout expires. Heartbeats are
 * newlines. Reads complete on the mutex's cycle thread; everything that writes to the
 * response runs on the {@code executor}.
 */
final class ChangesFeed {

	private static final Log logger = LogFactory.getLog(ChangesFeed.class);

	private static final byte[] NEWLINE = { '\n' };

	private final Database database;

	private final boolean continuous;

	private final boolean includeDocs;

	private final ChangeNotifier notifier;

	private final CouchJson json;

	private final Executor executor;

	private final ResponseBodyEmitter emitter;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}: the last sequence sent. */
	private long since;

	/** Guarded by {@link #lock}: how many more changes a continuous feed may send. */
	private int remaining;

	/** Guarded by {@link #lock}: set once the response is complete or the client went away. */
	private boolean finished;

	/** Guarded by {@link #lock}: the registration the feed waits on. */
	private @Nullable CompletableFuture<Void> waiter;

	/** Guarded by {@link #lock}: the timeout and heartbeat tasks. */
	private @Nullable ScheduledFuture<?> timeoutTask;

	/** Guarded by {@link #lock}. */
	private @Nullable ScheduledFuture<?> heartbeatTask;

	ChangesFeed(Database database, boolean continuous, boolean includeDocs, long since, int limit,
			ChangeNotifier notifier, CouchJson json, Executor executor, ResponseBodyEmitter emitter) {
		this.database = database;
		this.continuous = continuous;
		this.includeDocs = includeDocs;
		this.since = since;
		this.remaining = limit;
		this.notifier = notifier;
		this.json = json;
		this.executor = executor;
		this.emitter = emitter;
	}

	/**
	 * Starts the feed: schedules its timeout and heartbeat, and reads.
	 */
	void start(ScheduledExecutorService scheduler, Duration timeout, @Nullable Duration heartbeat) {
		this.emitter.onCompletion(this::finish);
		this.emitter.onTimeout(this::finish);
		this.emitter.onError((ex) -> finish());
		synchronized (this.lock) {
			this.timeoutTask = scheduler.schedule(() -> this.executor.execute(this::timeUp), timeout.toMillis(),
					TimeUnit.MILLISECONDS);
			if (heartbeat != null) {
				this.heartbeatTask = scheduler.scheduleAtFixedRate(() -> this.executor.execute(this::heartbeat),
						heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		read();
	}

	private void read() {
		CompletableFuture<Void> next = this.notifier.nextFlush(this.database.mutexName());
		long from;
		int limit;
		synchronized (this.lock) {
			if (this.finished) {
				next.cancel(false);
				return;
			}
			this.waiter = next;
			from = this.since;
			limit = this.remaining;
		}
		this.database.changes(from, limit, this.includeDocs, false)
			.whenCompleteAsync((page, ex) -> deliver(page, ex, next), this.executor);
	}

	private void deliver(Database.@Nullable ChangesPage page, @Nullable Throwable ex, CompletableFuture<Void> next) {
		synchronized (this.lock) {
			if (this.finished) {
				return;
			}
			if (ex != null || page == null) {
				logger.warn("Changes feed of database '" + this.database.name() + "' failed", ex);
				complete();
				return;
			}
			if (!page.results().isEmpty()) {
				if (!this.continuous) {
					send(this.json.bytes(this.json.changesPage(page)));
					complete();
					return;
				}
				for (Database.Change change : page.results()) {
					send(line(this.json.change(change)));
				}
				this.since = page.lastSeq();
				this.remaining -= page.results().size();
				if (this.remaining <= 0) {
					send(line(this.json.object().put("last_seq", this.since).put("pending", page.pending())));
					complete();
					return;
				}
			}
		}
		next.thenRunAsync(this::read, this.executor);
	}

	private void timeUp() {
		synchronized (this.lock) {
			if (this.finished) {
				return;
			}
			if (this.continuous) {
				send(line(this.json.object().put("last_seq", this.since).put("pending", 0)));
			}
			else {
				send(this.json.bytes(this.json.changesPage(new Database.ChangesPage(List.of(), this.since, 0))));
			}
			complete();
		}
	}

	private void heartbeat() {
		synchronized (this.lock) {
			if (!this.finished) {
				send(NEWLINE);
			}
		}
	}

	/** Called with the lock held. */
	private void send(byte[] bytes) {
		try {
			this.emitter.send(bytes);
		}
		catch (IOException | IllegalStateException ex) {
			finishLocked();
		}
	}

	/** Called with the lock held. */
	private void complete() {
		if (!this.finished) {
			finishLocked();
			this.emitter.complete();
		}
	}

	private void finish() {
		synchronized (this.lock) {
			finishLocked();
		}
	}

	private void finishLocked() {
		this.finished = true;
		if (this.waiter != null) {
			this.waiter.cancel(false);
		}
		if (this.timeoutTask != null) {
			this.timeoutTask.cancel(false);
		}
		if (this.heartbeatTask != null) {
			this.heartbeatTask.cancel(false);
		}
	}

	private byte[] line(Object value) {
		byte[] bytes = this.json.bytes(value);
		byte[] line = Arrays.copyOf(bytes, bytes.length + 1);
		line[bytes.length] = '\n';
		return line;
	}

}
