package io.levelmutex.spring.boot;

import io.levelmutex.Mutex;

/**
 * Wraps each mutex of the {@link MutexRegistry} once, when the registry creates it (the
 * {@code level-mutex.mutexes} ones and those created on demand), so that the registry and the
 * named mutex beans hand out the same wrapped instance; used by the tracing integration.
 * Decorator beans are applied in their {@link org.springframework.core.annotation.Order order},
 * the first one innermost. A decorator must return a mutex with the same name, keyspace and
 * codecs that delegates every operation, and whose {@code withCodecs} views are wrapped as
 * well (a typed mutex bean is such a view of the registry's mutex), keeping the mutex's ordering guarantees: in particular, the
 * dependent actions of a returned future must run on the thread that completed the
 * delegate's future, before that thread moves on.
 */
public interface MutexDecorator {

	/**
	 * Wraps a mutex.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param mutex the mutex (or the previous decorator's result)
	 * @return the mutex to use in its place, never {@code null}
	 */
	<K, V> Mutex<K, V> decorate(Mutex<K, V> mutex);

}
