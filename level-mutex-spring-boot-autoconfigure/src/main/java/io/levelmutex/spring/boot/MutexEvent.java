package io.levelmutex.spring.boot;

import java.io.Serial;

import io.levelmutex.Mutex;
import org.springframework.context.ApplicationEvent;

/**
 * The base of the Spring events a mutex's phases are published as; listen to it to receive
 * every kind.
 *
 * <p>Events are published by one dedicated thread ({@code level-mutex-events}), never by the
 * mutex's cycle thread, in the order the mutexes produced them, and only once the application
 * context is refreshed (events produced earlier are held until then). So
 * {@code @EventListener} methods run on that thread, one at a time: a slow listener delays
 * the events behind it but never a mutex. Annotate a listener with {@code @Async} (and enable
 * async support) to run it on Spring's task executor instead. When listeners fall so far
 * behind that {@code level-mutex.events.queue-capacity} events are waiting, further events are
 * dropped and counted (see the {@code levelMutex} health details and the
 * {@code level.mutex.events.dropped} metric); the mutexes never wait.
 */
public abstract class MutexEvent extends ApplicationEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The name of the mutex the event is about. */
	private final String mutexName;

	/**
	 * Creates an event.
	 * @param mutex the mutex the event is about (the event's source)
	 */
	protected MutexEvent(Mutex<?, ?> mutex) {
		super(mutex);
		this.mutexName = mutex.name();
	}

	/**
	 * The mutex's name.
	 * @return the name
	 */
	public String getMutexName() {
		return this.mutexName;
	}

	/**
	 * The mutex the event is about.
	 * @return the mutex
	 */
	@SuppressWarnings("unchecked")
	public Mutex<byte[], byte[]> getMutex() {
		return (Mutex<byte[], byte[]>) getSource();
	}

}
