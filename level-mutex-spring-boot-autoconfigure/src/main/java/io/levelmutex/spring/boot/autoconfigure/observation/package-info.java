/**
 * Auto-configuration for level-mutex tracing through Micrometer Observation.
 */
@NullMarked
package io.levelmutex.spring.boot.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
