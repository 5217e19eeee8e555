package io.levelmutex.spring.boot.observation;

import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.spring.boot.MutexDecorator;
import io.levelmutex.spring.boot.MutexRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * Observations of level-mutex through a Micrometer {@link ObservationRegistry}, all with the
 * low-cardinality key values {@code mutex} (the mutex's name) and {@code outcome}:
 * <ul>
 * <li>{@value #BATCH} (contextual name {@code batch <mutex>}): one write batch, from the
 * {@code writes} event to the {@code flushed} event (the RocksDB write); {@code outcome} is
 * {@code success} or {@code failure}, {@code batch.size} a bucket of its writes count
 * ({@code 1}, {@code 2-10}, {@code 11-100}, {@code 101-1000}, {@code >1000}).</li>
 * <li>{@value #READS} (contextual name {@code reads <mutex>}): one read phase, from its start
 * to the delivery of its last result; {@code outcome} is {@code success}, {@code reads} a
 * bucket of its reads count.</li>
 * <li>{@value #UPDATE} (contextual name {@code update <mutex>}): one {@code update()} call
 * on a mutex bean, from the call to the completion of its future (through the bean's
 * {@code blocking()} view: to the call's return), a child of the caller's current observation: the time the caller spent waiting for its read phase and its batch.
 * An event {@value #ATTEMPT} marks each run of the update function (in a read phase);
 * {@code outcome} is {@code success}, {@code conflict} (retries exhausted),
 * {@code overloaded} (refused at the call) or {@code error}.</li>
 * </ul>
 * Batch and read-phase observations are recorded by a listener on the cycle thread and have
 * no parent. The dependent actions of a future returned by an observed {@code update()} run
 * with the caller's observation in scope, on the thread that completed the future (the
 * cycle thread when registered before completion), so a write they issue still joins the
 * very next batch.
 */
public final class MutexObservations implements MutexDecorator {

	/** The name of batch observations. */
	public static final String BATCH = "level.mutex.batch";

	/** The name of read-phase observations. */
	public static final String READS = "level.mutex.reads";

	/** The name of update observations. */
	public static final String UPDATE = "level.mutex.update";

	/** The name of the event that marks a run of an update function. */
	public static final String ATTEMPT = "level.mutex.update.attempt";

	private final ObservationRegistry registry;

	/**
	 * Creates the observations.
	 * @param registry the registry observations are made with
	 */
	public MutexObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	/**
	 * A listener that records the batch and read-phase observations of one mutex. Add it to
	 * the mutex with {@link Mutex#addListener}; it keeps the observations in flight for one
	 * mutex only.
	 * @param mutexName the mutex's name
	 * @return a new listener
	 */
	public MutexListener phaseListener(String mutexName) {
		return new PhaseObservationListener(mutexName, this.registry);
	}

	/**
	 * Records the batch and read-phase observations of every mutex of a registry: those
	 * created already and those created later.
	 * @param mutexes the registry
	 * @return closing it stops observing mutexes created afterwards
	 */
	public Mutex.ListenerRegistration observePhases(MutexRegistry mutexes) {
		return mutexes.forEachMutex((mutex) -> mutex.addListener(phaseListener(mutex.name())));
	}

	/**
	 * Wraps a mutex so that its {@code update()} calls are observed; every other operation
	 * goes straight to {@code mutex}.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param mutex the mutex
	 * @return the observed mutex
	 */
	@Override
	public <K, V> Mutex<K, V> decorate(Mutex<K, V> mutex) {
		return new ObservedMutex<>(mutex, this.registry);
	}

}
