/**
 * Auto-configuration for level-mutex metrics.
 */
@NullMarked
package io.levelmutex.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
