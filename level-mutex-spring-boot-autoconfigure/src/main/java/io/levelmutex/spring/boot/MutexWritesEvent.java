package io.levelmutex.spring.boot;

import java.io.Serial;
import java.util.List;

import io.levelmutex.Mutex;
import io.levelmutex.WriteBatchEvent;
import io.levelmutex.WriteOperation;

/**
 * A mutex was about to write a batch: level-mutex's {@code writes} event as a Spring event.
 * Published only when {@code level-mutex.events.writes} is {@code true} (see
 * {@link MutexEvent} for the thread and ordering). The batch has usually been written by the
 * time a listener runs; its outcome follows in a {@link MutexFlushedEvent}. To veto a batch,
 * use a {@link io.levelmutex.BatchInterceptor} bean instead: it runs on the cycle thread.
 */
public class MutexWritesEvent extends MutexEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient WriteBatchEvent writeBatchEvent;

	/**
	 * Creates an event.
	 * @param mutex the mutex writing the batch
	 * @param writeBatchEvent the core's event
	 */
	public MutexWritesEvent(Mutex<?, ?> mutex, WriteBatchEvent writeBatchEvent) {
		super(mutex);
		this.writeBatchEvent = writeBatchEvent;
	}

	/**
	 * The batch's writes, in the order they will be applied (shared arrays: do not modify).
	 * @return the writes (unmodifiable)
	 */
	public List<WriteOperation> getOperations() {
		return this.writeBatchEvent.operations();
	}

	/**
	 * The number of writes in the batch.
	 * @return the batch size
	 */
	public int getSize() {
		return this.writeBatchEvent.operations().size();
	}

	/**
	 * The batch's number, counting from 1 for each mutex.
	 * @return the batch number
	 */
	public long getBatch() {
		return this.writeBatchEvent.batch();
	}

	/**
	 * The core's event, as {@link io.levelmutex.MutexListener#onWrites} received it.
	 * @return the event
	 */
	public WriteBatchEvent getWriteBatchEvent() {
		return this.writeBatchEvent;
	}

}
