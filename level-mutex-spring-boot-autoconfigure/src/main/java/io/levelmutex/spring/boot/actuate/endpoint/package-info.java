/**
 * Actuator endpoint for level-mutex.
 */
@NullMarked
package io.levelmutex.spring.boot.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
