package io.levelmutex.spring.boot;

import java.io.Serial;

import io.levelmutex.Mutex;
import io.levelmutex.ReadPhaseEvent;

/**
 * A mutex started a read phase: level-mutex's {@code reads} event as a Spring event. Published
 * only when {@code level-mutex.events.reads} is {@code true} (see {@link MutexEvent} for the
 * thread and ordering). The reads have usually completed by the time a listener runs.
 */
public class MutexReadsEvent extends MutexEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient ReadPhaseEvent readPhaseEvent;

	/**
	 * Creates an event.
	 * @param mutex the mutex running the phase
	 * @param readPhaseEvent the core's event
	 */
	public MutexReadsEvent(Mutex<?, ?> mutex, ReadPhaseEvent readPhaseEvent) {
		super(mutex);
		this.readPhaseEvent = readPhaseEvent;
	}

	/**
	 * How many reads the phase ran.
	 * @return the number of reads (gets, peeks and conditional writes)
	 */
	public int getReads() {
		return this.readPhaseEvent.reads();
	}

	/**
	 * The phase's number, counting from 1 for each mutex.
	 * @return the phase number
	 */
	public long getPhase() {
		return this.readPhaseEvent.phase();
	}

	/**
	 * The core's event, as {@link io.levelmutex.MutexListener#onReads} received it.
	 * @return the event
	 */
	public ReadPhaseEvent getReadPhaseEvent() {
		return this.readPhaseEvent;
	}

}
