/**
 * Auto-configuration for level-mutex: the store, the registry, named mutex beans and Spring
 * events.
 */
@NullMarked
package io.levelmutex.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
