/**
 * The PostgreSQL storage layer of level-mutex: schema, snapshot reads, validated atomic batch commits with a
 * gapless per-keyspace sequence, and remote-change notification. Package-private until the core's engine
 * interface exists; JDBC only (pgjdbc), on a {@link javax.sql.DataSource}.
 */
@NullMarked
package io.levelmutex.postgres;

import org.jspecify.annotations.NullMarked;
