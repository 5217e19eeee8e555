/**
 * Test support for the PostgreSQL engine: {@link io.levelmutex.postgres.test.PostgresCluster}, a private,
 * durable PostgreSQL server started from the locally installed server binaries, for tests that need a real
 * database without Docker.
 */
@NullMarked
package io.levelmutex.postgres.test;

import org.jspecify.annotations.NullMarked;
