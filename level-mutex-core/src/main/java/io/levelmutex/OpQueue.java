package io.levelmutex;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * A multi-producer, single-consumer FIFO queue linked through its entries ({@link QueuedOp#queueNext}),
 * so that adding allocates nothing. Producers push onto a stack with one compare-and-set (an entry is
 * linked in full when it becomes visible); the consumer takes the whole stack at once, reverses it into
 * its own list, and takes entries from that list in order. Entries come out in the order their pushes
 * succeeded: the linearisation order of {@link #add}, so an add that happens before another comes out
 * first.
 *
 * <p>Threads: {@link #add} from any thread. {@link #peek}, {@link #poll} and {@link #isEmpty} from the
 * consumer only: one thread at a time, successive consumers ordered by a happens-before edge (for a
 * mutex, its drain status: the cycle thread, or the thread failing the queue when the executor refused
 * the cycle).
 */
final class OpQueue<T extends QueuedOp> {

	/** The entries pushed and not yet taken, newest first; pushed by producers, taken whole by the consumer. */
	private final AtomicReference<@Nullable QueuedOp> pushed = new AtomicReference<>();

	/** The entries taken from {@link #pushed}, oldest first; consumer only. */
	private @Nullable QueuedOp head;

	/** Queues an entry not queued before; any thread. */
	void add(T entry) {
		QueuedOp top;
		do {
			top = this.pushed.get();
			entry.queueNext = top;
		}
		while (!this.pushed.compareAndSet(top, entry));
	}

	/** The oldest entry, left in the queue, or {@code null} if there is none; consumer only. */
	@SuppressWarnings("unchecked")
	@Nullable T peek() {
		QueuedOp first = this.head;
		if (first == null) {
			first = takePushed();
		}
		return (T) first;
	}

	/**
	 * The entry after {@code entry} in the consumer's list, left in the queue, or {@code null} at the end of that
	 * list (entries pushed since the list was taken are not seen until it is used up); consumer only, for an entry
	 * returned by {@link #peek} or by this method and not polled since.
	 */
	@SuppressWarnings("unchecked")
	@Nullable T following(T entry) {
		return (T) entry.queueNext;
	}

	/** Removes and returns the oldest entry, or {@code null} if there is none; consumer only. */
	@Nullable T poll() {
		T first = peek();
		if (first != null) {
			this.head = first.queueNext;
			first.queueNext = null;
		}
		return first;
	}

	/**
	 * Whether no entry is queued; consumer only. Entries pushed before a happens-before edge to the
	 * caller are seen (the stack is read with a volatile read). {@code MutexCore.submit} also asks just
	 * after handing the consumer role on (going IDLE): a drain started meanwhile may be moving entries,
	 * so the answer may be stale; that caller only uses it to decide whether to try to schedule one
	 * more drain, which is safe either way.
	 */
	boolean isEmpty() {
		return this.head == null && this.pushed.get() == null;
	}

	/** Moves the pushed entries, oldest first, to the consumer's list (empty when called); its head. */
	private @Nullable QueuedOp takePushed() {
		if (this.pushed.get() == null) {
			return null; // a read: no write to the shared line when there is nothing to take
		}
		QueuedOp node = this.pushed.getAndSet(null);
		QueuedOp reversed = null;
		while (node != null) {
			QueuedOp next = node.queueNext;
			node.queueNext = reversed;
			reversed = node;
			node = next;
		}
		this.head = reversed;
		return reversed;
	}

}
