/**
 * Auto-configuration for the level-mutex actuator endpoint.
 */
@NullMarked
package io.levelmutex.spring.boot.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
