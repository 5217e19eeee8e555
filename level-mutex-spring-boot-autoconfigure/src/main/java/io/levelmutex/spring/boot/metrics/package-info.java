/**
 * Micrometer metrics for level-mutex.
 */
@NullMarked
package io.levelmutex.spring.boot.metrics;

import org.jspecify.annotations.NullMarked;
