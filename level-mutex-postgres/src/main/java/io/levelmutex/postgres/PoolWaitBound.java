package io.levelmutex.postgres;

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * The longest a HikariCP pool's own {@code getConnection()} can wait, read from the pool itself (no compile
 * dependency: found by class name, read by reflection), so that {@link Connections} may call it on the caller's
 * thread when that wait fits in what is left of {@code connectWait}. HikariCP's {@code getConnection()} waits at most
 * its {@code connectionTimeout} for a connection, plus at most its {@code validationTimeout} for the liveness check
 * of the one it borrowed; it can wait longer only while the pool is suspended (allowed only with
 * {@code allowPoolSuspension}) or while a pool that was never started starts (its
 * {@code initializationFailTimeout}): those give no bound. Only a DataSource that IS a HikariCP pool counts: a
 * wrapper around one may wait for more than the pool. Thread-safe: no mutable state; the pool's settings are read
 * on every call (they can be changed at runtime through its MXBean).
 */
final class PoolWaitBound {

	private static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";

	private final DataSource pool;

	private final Method connectionTimeout;

	private final Method validationTimeout;

	private final Method allowPoolSuspension;

	private final Method poolStarted;

	private PoolWaitBound(DataSource pool, Class<?> type) throws ReflectiveOperationException {
		this.pool = pool;
		this.connectionTimeout = type.getMethod("getConnectionTimeout");
		this.validationTimeout = type.getMethod("getValidationTimeout");
		this.allowPoolSuspension = type.getMethod("isAllowPoolSuspension");
		this.poolStarted = type.getMethod("getHikariPoolMXBean");
	}

	/**
	 * The bound of a DataSource, if it is a HikariCP pool.
	 * @param dataSource the application's DataSource
	 * @return its bound, or {@code null} if it is no HikariCP pool (or HikariCP's API is not as expected)
	 */
	static @Nullable PoolWaitBound of(DataSource dataSource) {
		for (Class<?> type = dataSource.getClass(); type != null; type = type.getSuperclass()) {
			if (HIKARI_DATA_SOURCE.equals(type.getName())) {
				try {
					return new PoolWaitBound(dataSource, type);
				}
				catch (ReflectiveOperationException | RuntimeException ex) {
					return null; // another HikariCP API: the helper thread bounds the wait
				}
			}
		}
		return null;
	}

	/**
	 * The longest the pool's {@code getConnection()} can wait now.
	 * @return nanoseconds, or -1 if its wait has no bound now (suspendable, not started, unreadable)
	 */
	long maxWaitNanos() {
		try {
			if (this.poolStarted.invoke(this.pool) == null || (Boolean) this.allowPoolSuspension.invoke(this.pool)) {
				return -1;
			}
			long millis = (Long) this.connectionTimeout.invoke(this.pool)
					+ (Long) this.validationTimeout.invoke(this.pool);
			return (millis < 0) ? -1 : TimeUnit.MILLISECONDS.toNanos(millis);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return -1;
		}
	}

}
