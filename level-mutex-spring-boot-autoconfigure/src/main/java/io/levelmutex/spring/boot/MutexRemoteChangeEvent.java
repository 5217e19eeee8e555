package io.levelmutex.spring.boot;

import java.io.Serial;

import io.levelmutex.Mutex;
import io.levelmutex.RemoteChangeEvent;

/**
 * Other writers (other instances of the application, on the same PostgreSQL database) committed batches to a
 * mutex's keyspace: their sequences {@link #getFromSequence()} to {@link #getToSequence()}, both included.
 * Published through the same bounded queue and thread as {@link MutexFlushedEvent} (see {@link MutexEvent}), so
 * an {@code @EventListener} sees every instance's writes: this instance's own batches as
 * {@link MutexFlushedEvent#getSequence()}, the others' as these ranges; together, with no event dropped, they
 * cover the keyspace's sequence without a gap.
 *
 * <p>A range may merge several batches; for one mutex, ranges arrive in sequence order and never overlap.
 * Only engines with other writers publish it (never the embedded RocksDB engine). The event carries sequences,
 * not the changed keys: read the mutex to see what changed.
 */
public class MutexRemoteChangeEvent extends MutexEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final long fromSequence;

	private final long toSequence;

	/**
	 * Creates an event.
	 * @param mutex the mutex whose keyspace changed
	 * @param event the core's event
	 */
	public MutexRemoteChangeEvent(Mutex<?, ?> mutex, RemoteChangeEvent event) {
		super(mutex);
		this.fromSequence = event.fromSequence();
		this.toSequence = event.toSequence();
	}

	/**
	 * The first sequence committed by another writer.
	 * @return the sequence
	 */
	public long getFromSequence() {
		return this.fromSequence;
	}

	/**
	 * The last sequence committed by another writer, at least {@link #getFromSequence()}.
	 * @return the sequence
	 */
	public long getToSequence() {
		return this.toSequence;
	}

	@Override
	public String toString() {
		return "MutexRemoteChangeEvent[mutex=" + getMutexName() + ", sequences=" + this.fromSequence + ".."
				+ this.toSequence + "]";
	}

}
