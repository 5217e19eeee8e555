package io.levelmutex;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Keeps RocksDB's native handles alive while a phase uses them, with a reference-counted
 * close: phases {@link #enter()} for the duration of their RocksDB calls (one entry per
 * phase, not per operation) and {@link #exit()} after them; {@link #close} refuses new
 * entries at once and runs the native close when the last phase has left, on the thread of
 * that phase if it leaves after the closing thread stopped waiting. Nothing here ever blocks
 * but {@link #close}, and that only up to the time it is given.
 */
final class StoreGuard {

	/** Set in {@link #state} once closing began; the low bits count the phases inside. */
	private static final long CLOSED = 1L << 62;

	/** Phases inside, plus {@link #CLOSED}; updated by every thread with CAS. */
	private final AtomicLong state = new AtomicLong();

	/** Whether the native close ran (or is running); set once by whichever thread runs it. */
	private final AtomicBoolean released = new AtomicBoolean();

	/** Counted down after the native close ran. */
	private final CountDownLatch releasedLatch = new CountDownLatch(1);

	/** The native close; written once by the closing thread before {@link #CLOSED} is set. */
	private volatile @Nullable Runnable release;

	/** @return {@code true} if the store is open; the caller must then call {@link #exit()} */
	boolean enter() {
		for (;;) {
			long current = this.state.get();
			if ((current & CLOSED) != 0) {
				return false;
			}
			if (this.state.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	void exit() {
		if (this.state.decrementAndGet() == CLOSED) {
			runRelease();
		}
	}

	/**
	 * Refuses new phases; runs {@code release} once no phase is inside: at once, or when the
	 * last one leaves.
	 * @param release closes the native handles; runs exactly once
	 * @param waitNanos how long to wait for running phases to leave, 0 not to wait
	 * @return {@code true} if the native close has run when this returns
	 */
	boolean close(Runnable release, long waitNanos) throws InterruptedException {
		if (this.release == null) {
			this.release = release;
		}
		long after = this.state.updateAndGet((current) -> current | CLOSED);
		if (after == CLOSED) {
			runRelease();
		}
		return waitNanos > 0 ? this.releasedLatch.await(waitNanos, TimeUnit.NANOSECONDS)
				: this.releasedLatch.getCount() == 0;
	}

	private void runRelease() {
		Runnable action = this.release;
		if (action != null && this.released.compareAndSet(false, true)) {
			try {
				action.run();
			}
			finally {
				this.releasedLatch.countDown();
			}
		}
	}

	/** @return whether closing began: no phase may enter */
	boolean isClosing() {
		return (this.state.get() & CLOSED) != 0;
	}

	/** @return whether the native close has run */
	boolean isReleased() {
		return this.releasedLatch.getCount() == 0;
	}

}
