package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
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
 * {@code initializationFailTimeout}): those give no bound. When its own wait does not fit (Spring Boot's default
 * {@code connectionTimeout} is 30 s, {@code connectWait} 10 s), the running pool is asked for a connection within a
 * shorter timeout ({@link #connection}: HikariCP's public {@code HikariPool.getConnection(long)}, the call its
 * DataSource makes with {@code connectionTimeout}), still on the caller's thread. Only a DataSource that IS a
 * HikariCP pool counts: a wrapper around one may wait for more than the pool. Thread-safe: the pool's settings are
 * read on every call (they can be changed at runtime through its MXBean); the timed call's method is looked up once
 * (a benign race: every thread finds the same method).
 */
final class PoolWaitBound {

	private static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";

	private final DataSource pool;

	private final Method connectionTimeout;

	private final Method validationTimeout;

	private final Method allowPoolSuspension;

	private final Method poolStarted;

	private final Method closed;

	/**
	 * The running pool's {@code getConnection(long timeoutMillis)}, found on its first use; {@code null} before.
	 * Written by whichever thread finds it first (any thread finds the same method).
	 */
	private volatile @Nullable Method timedGetConnection;

	private PoolWaitBound(DataSource pool, Class<?> type) throws ReflectiveOperationException {
		this.pool = pool;
		this.connectionTimeout = type.getMethod("getConnectionTimeout");
		this.validationTimeout = type.getMethod("getValidationTimeout");
		this.allowPoolSuspension = type.getMethod("isAllowPoolSuspension");
		this.poolStarted = type.getMethod("getHikariPoolMXBean");
		this.closed = type.getMethod("isClosed");
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
	 * A connection from the pool on the calling thread, if its wait can be bounded by {@code leftNanos}: the
	 * pool's {@code getConnection()} when its own longest wait (connection timeout plus validation timeout) fits,
	 * otherwise its timed acquisition, which waits at most the timeout asked for a connection plus at most its
	 * {@code validationTimeout} for the liveness check of the one it borrowed, so the timeout asked is what is left
	 * minus that validation bound. Each of the pool's settings is read once per call (series AE c1put: this was
	 * nine reflective calls per borrow, the settings read twice, when the timed acquisition served it).
	 * @param leftNanos the longest the call may wait
	 * @return the connection (the caller closes it), or {@code null} if the pool cannot be asked so (not started,
	 * suspendable, closed while its own wait does not fit, less left than its validation bound, unreadable,
	 * another HikariCP API): then nothing was borrowed
	 * @throws SQLException the pool's failure (its timeout, a lost server, a closed pool; interrupted: the flag is
	 * set)
	 */
	@Nullable Connection connection(long leftNanos) throws SQLException {
		Object running;
		long validationMillis;
		long connectionMillis;
		try {
			running = this.poolStarted.invoke(this.pool);
			if (running == null || (Boolean) this.allowPoolSuspension.invoke(this.pool)) {
				return null; // a pool not started may wait for its start; a suspended one may never answer
			}
			validationMillis = (Long) this.validationTimeout.invoke(this.pool);
			connectionMillis = (Long) this.connectionTimeout.invoke(this.pool);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
		long ownMillis = connectionMillis + validationMillis;
		if (ownMillis >= 0 && TimeUnit.MILLISECONDS.toNanos(ownMillis) <= leftNanos) {
			return this.pool.getConnection();
		}
		long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(leftNanos) - validationMillis;
		try {
			if ((Boolean) this.closed.invoke(this.pool) || timeoutMillis < 1) {
				return null; // a closed pool fails at once through its DataSource
			}
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
		Method timed = this.timedGetConnection;
		if (timed == null) {
			try {
				timed = running.getClass().getMethod("getConnection", long.class);
			}
			catch (NoSuchMethodException | RuntimeException ex) {
				return null;
			}
			this.timedGetConnection = timed;
		}
		try {
			return (Connection) timed.invoke(running, timeoutMillis);
		}
		catch (InvocationTargetException ex) {
			throw SqlFailures.rethrown(ex.getCause());
		}
		catch (IllegalAccessException | RuntimeException ex) {
			return null;
		}
	}

}
