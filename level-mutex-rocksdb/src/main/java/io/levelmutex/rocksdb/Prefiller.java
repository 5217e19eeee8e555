package io.levelmutex.rocksdb;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The store's filler of native batches ahead of their commits (issue 22: in a closed loop, the next batch's writes
 * are issued by the callbacks of the previous batch's completions, on the cycle thread, and nothing else can overlap
 * the serial work around the write call). Keyspace storages offer it their {@link PrefillRound}s; its one thread
 * (started by the first offer) puts each round's hinted operations into the round's native batch while the cycle
 * goes on completing, so that the commit finds most of its batch filled. It works on one round at a time, in the
 * order offered; a round whose hints ran out waits a moment for more (they come every few tens of microseconds while
 * a batch completes) and is then left until the next offer. With no round queued the thread parks; an offer
 * unparks it (once per batch in a closed loop: while its hints come, the thread is awake).
 * Nothing here is needed for correctness: a commit whose round is not filled (or not sealable at once) fills its
 * batch itself.
 */
final class Prefiller implements AutoCloseable {

	/** How long the thread waits for more hints of its round before it leaves it (then it parks if no round is queued). */
	private static final long SPIN_NANOS = 100_000;

	/**
	 * How the thread waits for more hints of its round (system property {@code io.levelmutex.rocksdb.prefillWait},
	 * read when the store opens; for A/B measurements): {@code yield} (default: gives the processor to any other
	 * runnable thread between looks, e.g. the cycle thread on a loaded machine), {@code spin}, or {@code park}
	 * (leaves the round at once; the next hint unparks the thread).
	 */
	private final String waitMode = System.getProperty("io.levelmutex.rocksdb.prefillWait", "yield");

	private final ConcurrentLinkedQueue<PrefillRound> rounds = new ConcurrentLinkedQueue<>();

	private final Thread thread;

	/** Set once by {@link #start}'s caller. */
	private final AtomicBoolean started = new AtomicBoolean();

	/** Whether the thread is parked or about to park (an offer then unparks it); written by the thread. */
	private volatile boolean parked;

	/** Set once by {@link #close()}; read by the thread. */
	private volatile boolean closed;

	Prefiller(String threadName) {
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
	}

	/**
	 * Hands a round over for filling unless it is already queued or being filled; the producer calls it after each
	 * {@link PrefillRound#add}. After {@link #close()} nothing is filled any more (the commits fill their batches).
	 */
	void offer(PrefillRound round) {
		if (round.queued.get() || !round.queued.compareAndSet(false, true)) {
			return; // the thread has it: it sees the new hints (published before this)
		}
		if (this.closed) {
			return;
		}
		this.rounds.offer(round);
		if (!this.started.get() && this.started.compareAndSet(false, true)) {
			this.thread.start();
		}
		else if (this.parked) {
			LockSupport.unpark(this.thread);
		}
	}

	private void run() {
		while (!this.closed) {
			PrefillRound round = this.rounds.poll();
			if (round == null) {
				awaitRound();
				continue;
			}
			work(round);
		}
		this.rounds.clear(); // their storages' commits or closes seal them
	}

	/** Fills a round while it gets hints; leaves it (ready to be offered again) once they stop for a while. */
	private void work(PrefillRound round) {
		for (;;) {
			long idleSince = 0;
			while (round.fill()) { // caught up with the hints, the round still open
				long now = System.nanoTime();
				if (idleSince == 0) {
					idleSince = now;
				}
				else if (now - idleSince > SPIN_NANOS || this.closed || "park".equals(this.waitMode)) {
					break;
				}
				if (round.hasWork()) {
					idleSince = 0;
				}
				else if ("spin".equals(this.waitMode)) {
					Thread.onSpinWait();
				}
				else {
					Thread.yield();
				}
			}
			round.queued.set(false);
			// a hint published after the loop's last look and before the flag cleared found the flag set and did not
			// offer: look once more (a producer that offers after the clear is seen by the next poll)
			if (!round.hasWork() || this.closed || !round.queued.compareAndSet(false, true)) {
				return;
			}
		}
	}

	/**
	 * Parks until an offer or {@link #close()} unparks it: the next round of a closed loop comes a write call later
	 * (a millisecond or more), too late to be worth a spin.
	 */
	private void awaitRound() {
		this.parked = true;
		if (this.rounds.isEmpty() && !this.closed) { // after the flag: an offer after this read unparks
			LockSupport.park(this);
		}
		this.parked = false;
	}

	/**
	 * Stops the thread and waits for it (unless the caller is the thread), so that no put touches a column family
	 * after this returns: the engine calls it before it closes the handles. Rounds still open are sealed by their
	 * storages.
	 */
	@Override
	public void close() {
		this.closed = true;
		LockSupport.unpark(this.thread);
		if (!this.started.get() && this.started.compareAndSet(false, true)) {
			return; // never started: no thread to wait for (and none will start)
		}
		boolean interrupted = false;
		while (Thread.currentThread() != this.thread) {
			try {
				this.thread.join();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
