/**
 * Series P: the mutex on the PostgreSQL engine against what a Spring team would otherwise write on the same
 * PostgreSQL (per-operation autocommit upserts, {@code SELECT ... FOR UPDATE} transactions, Spring Integration's
 * {@code JdbcLockRegistry}), and series Q: the engine against PostgreSQL's own batch limit (prebuilt multi-row
 * upserts), a JPA-style optimistic update and itself on three nodes and eight keyspaces (issue 19's targets),
 * on a private server started for the run, with the module's closed-loop driver, workloads and chart code. {@link io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain} is the entry point.
 */
@NullMarked
package io.levelmutex.benchmarks.postgres;

import org.jspecify.annotations.NullMarked;
