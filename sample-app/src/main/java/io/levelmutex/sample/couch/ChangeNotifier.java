package io.levelmutex.sample.couch;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.levelmutex.spring.boot.MutexFlushedEvent;
import io.levelmutex.spring.boot.MutexRemoteChangeEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Wakes the {@code longpoll} and {@code continuous} changes feeds when their database's
 * mutex has flushed a batch, from the starter's {@link MutexFlushedEvent}, or when another
 * instance committed to it, from its {@link MutexRemoteChangeEvent}: no feed ever polls the
 * store.
 *
 * <p>A feed registers before it reads, so a batch flushed between its read and its wait
 * still wakes it. Each registration is one-shot and is removed when it completes or is
 * cancelled.
 */
@Component
final class ChangeNotifier {

	/** Owned by no single thread: a concurrent map of concurrent sets, changed atomically per key. */
	private final ConcurrentMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

	/**
	 * A future completed by the next successful flush of the mutex; cancel it to unregister.
	 * @param mutexName the database's mutex
	 */
	CompletableFuture<Void> nextFlush(String mutexName) {
		CompletableFuture<Void> waiter = new CompletableFuture<>();
		this.waiters.compute(mutexName, (name, set) -> {
			Set<CompletableFuture<Void>> result = (set != null) ? set : ConcurrentHashMap.newKeySet();
			result.add(waiter);
			return result;
		});
		waiter.whenComplete((done, ex) -> this.waiters.computeIfPresent(mutexName, (name, set) -> {
			set.remove(waiter);
			return set.isEmpty() ? null : set;
		}));
		return waiter;
	}

	/**
	 * Completes the waiters of a mutex whose batch was written. Runs on the starter's event
	 * publisher thread; completing a waiter only schedules the feed's next read.
	 */
	@EventListener
	void onFlushed(MutexFlushedEvent event) {
		if (event.getError().isPresent() || event.getSize() == 0) {
			return;
		}
		wake(event.getMutexName());
	}

	/**
	 * Completes the waiters of a mutex that another instance wrote to (PostgreSQL engine: the
	 * engine hears of the commit by {@code NOTIFY}, or by polling if a notification is lost).
	 * Runs on the starter's event publisher thread.
	 */
	@EventListener
	void onRemoteChange(MutexRemoteChangeEvent event) {
		wake(event.getMutexName());
	}

	private void wake(String mutexName) {
		Set<CompletableFuture<Void>> set = this.waiters.get(mutexName);
		if (set != null) {
			for (CompletableFuture<Void> waiter : List.copyOf(set)) {
				waiter.complete(null);
			}
		}
	}

	/** How many feeds are waiting, for tests and diagnostics. */
	int waiting() {
		return this.waiters.values().stream().mapToInt(Set::size).sum();
	}

}
