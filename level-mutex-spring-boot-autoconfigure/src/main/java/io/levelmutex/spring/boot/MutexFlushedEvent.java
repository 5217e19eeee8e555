package io.levelmutex.spring.boot;

import java.io.Serial;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.WriteOperation;

/**
 * A mutex wrote a batch, or the batch failed: level-mutex's {@code flushed} event as a Spring
 * event. Always published (see {@link MutexEvent} for the thread and ordering).
 *
 * <p>By the time a listener runs, the batch's writes have completed: their futures carry the
 * same outcome as {@link #getError()}.
 */
public class MutexFlushedEvent extends MutexEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient FlushEvent flushEvent;

	/**
	 * Creates an event.
	 * @param mutex the mutex that wrote the batch
	 * @param flushEvent the core's event
	 */
	public MutexFlushedEvent(Mutex<?, ?> mutex, FlushEvent flushEvent) {
		super(mutex);
		this.flushEvent = flushEvent;
	}

	/**
	 * The batch's writes, in the order they were applied. The arrays are shared with the
	 * batch: do not modify them.
	 * @return the writes (unmodifiable)
	 */
	public List<WriteOperation> getOperations() {
		return this.flushEvent.operations();
	}

	/**
	 * The number of writes in the batch.
	 * @return the batch size
	 */
	public int getSize() {
		return this.flushEvent.size();
	}

	/**
	 * The bytes of keys and values in the batch.
	 * @return the batch's bytes
	 */
	public long getBytes() {
		return this.flushEvent.bytes();
	}

	/**
	 * The batch's number, counting from 1 for each mutex.
	 * @return the batch number
	 */
	public long getBatch() {
		return this.flushEvent.batch();
	}

	/**
	 * The batch's commit sequence in its mutex's keyspace: with the PostgreSQL engine, gapless and persisted
	 * across every instance writing the keyspace (other instances' batches arrive as
	 * {@link MutexRemoteChangeEvent}s); with RocksDB, the batches this mutex committed since it opened.
	 * @return the sequence
	 */
	public long getSequence() {
		return this.flushEvent.sequence();
	}

	/**
	 * How long the engine took to write the batch.
	 * @return the duration
	 */
	public Duration getDuration() {
		return this.flushEvent.duration();
	}

	/**
	 * Why the batch failed; when present, none of its writes was applied.
	 * @return the error, empty when the batch was written
	 */
	public Optional<Throwable> getError() {
		return this.flushEvent.failure();
	}

	/**
	 * The core's event, as {@link io.levelmutex.MutexListener#onFlushed} received it.
	 * @return the event
	 */
	public FlushEvent getFlushEvent() {
		return this.flushEvent;
	}

	@Override
	public String toString() {
		return "MutexFlushedEvent[mutex=" + getMutexName() + ", batch=" + getBatch() + ", sequence=" + getSequence() + ", size=" + getSize()
				+ ", error=" + getError().map(Throwable::toString).orElse("none") + "]";
	}

}
