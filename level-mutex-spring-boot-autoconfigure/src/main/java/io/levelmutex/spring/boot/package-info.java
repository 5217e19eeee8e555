/**
 * The Spring side of level-mutex: the {@link io.levelmutex.spring.boot.MutexRegistry} bean,
 * the Spring events a mutex's phases are published as, and the hooks users implement to tune
 * the store.
 *
 * <p>Everything here is configured by the auto-configuration in
 * {@code io.levelmutex.spring.boot.autoconfigure}; applications only inject and listen.
 */
@NullMarked
package io.levelmutex.spring.boot;

import org.jspecify.annotations.NullMarked;
