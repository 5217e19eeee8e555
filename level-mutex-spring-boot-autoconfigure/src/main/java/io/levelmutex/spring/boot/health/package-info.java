/**
 * Actuator health for level-mutex.
 */
@NullMarked
package io.levelmutex.spring.boot.health;

import org.jspecify.annotations.NullMarked;
