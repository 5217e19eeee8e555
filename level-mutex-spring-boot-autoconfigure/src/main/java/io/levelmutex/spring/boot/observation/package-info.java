/**
 * Tracing of level-mutex through Micrometer Observation: write batches, read phases and
 * {@code update()} calls.
 */
@NullMarked
package io.levelmutex.spring.boot.observation;

import org.jspecify.annotations.NullMarked;
