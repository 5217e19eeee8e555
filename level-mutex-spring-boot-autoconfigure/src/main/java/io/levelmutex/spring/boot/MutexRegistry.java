package io.levelmutex.spring.boot;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;

/**
 * The mutexes of an application's {@link MutexStore}, by name: those named in configuration
 * ({@code level-mutex.mutexes.<name>}), created when the registry starts, and those created on
 * demand by {@link #mutex(String)} when {@code level-mutex.create-on-demand} is {@code true}.
 *
 * <p>Implementations are thread-safe. A mutex is created at most once per name; every call
 * for that name returns the same instance until the registry is closed. Closing the registry
 * (on application shutdown) closes every mutex, letting its queued operations complete, before
 * the store closes.
 */
public interface MutexRegistry {

	/**
	 * The mutex with this name: one named in configuration, one already created, or a new one
	 * created on demand (with {@code level-mutex.defaults.*} limits and the keyspace
	 * {@link io.levelmutex.Keyspace#forMutex(String)}) if on-demand creation is allowed. A
	 * mutex that its user closed is retired: once its close completed, the next call creates a
	 * new one (with its configured options, or on demand) over the same keyspace; a bean
	 * injected by name keeps the closed instance.
	 * @param name the mutex's name
	 * @return the mutex, never {@code null}
	 * @throws NoSuchMutexException if no such mutex exists and on-demand creation is off
	 * @throws io.levelmutex.KeyspaceOverlapException if a mutex created on demand would
	 * overlap the keyspace of an existing one
	 * @throws IllegalStateException if the registry is closed, or the mutex is still closing
	 */
	Mutex<byte[], byte[]> mutex(String name);

	/**
	 * The mutex with this name, if it was configured or already created and is not closed;
	 * never creates one.
	 * @param name the mutex's name
	 * @return the mutex, or empty
	 */
	Optional<Mutex<byte[], byte[]>> find(String name);

	/**
	 * Every live (not closed) mutex, in creation order: the configured ones first.
	 * @return an unmodifiable snapshot
	 */
	Collection<Mutex<byte[], byte[]>> mutexes();

	/**
	 * The store the mutexes live in.
	 * @return the store
	 */
	MutexStore store();

	/**
	 * Calls {@code action} for every mutex already created, then for every mutex created
	 * later, exactly once each, before the new mutex is returned to anyone. Used by the
	 * metrics and event integrations to attach listeners to mutexes created on demand.
	 * @param action called with each mutex; it must be quick and must not call back into the
	 * registry
	 * @return closing it stops calls for mutexes created afterwards
	 */
	Mutex.ListenerRegistration forEachMutex(Consumer<? super Mutex<byte[], byte[]>> action);

}
