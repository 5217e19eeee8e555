/**
 * PostgreSQL, several nodes: cross-node linearizability, SIGKILLed child JVM nodes, connection
 * terminations, server crashes, lock waits and remote-change coverage, all on a private cluster
 * ({@code level-mutex-postgres-test}).
 */
@NullMarked
package io.levelmutex.reliability.postgres;

import org.jspecify.annotations.NullMarked;
