/**
 * Test support for level-mutex in Spring Boot tests: {@link AutoConfigureLevelMutex}.
 */
@NullMarked
package io.levelmutex.spring.boot.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
