/**
 * Auto-configuration for level-mutex health.
 */
@NullMarked
package io.levelmutex.spring.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
