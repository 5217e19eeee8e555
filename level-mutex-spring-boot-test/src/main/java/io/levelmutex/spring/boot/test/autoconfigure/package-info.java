/**
 * Test support for level-mutex in Spring Boot tests: {@link AutoConfigureLevelMutex}, and
 * {@link LevelMutexTestPostgres} (a private PostgreSQL cluster per test JVM).
 */
@NullMarked
package io.levelmutex.spring.boot.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
