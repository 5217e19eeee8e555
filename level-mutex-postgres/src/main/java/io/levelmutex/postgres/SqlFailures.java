package io.levelmutex.postgres;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.jspecify.annotations.Nullable;

import io.levelmutex.StorageException;

/** Classifies driver failures by SQLSTATE (and the exception type pgjdbc uses for a broken socket). */
final class SqlFailures {

	private SqlFailures() {
	}

	/**
	 * The connection is gone or the server is not accepting work: class 08 (connection exception), 57P01-57P03
	 * (terminated by an administrator, crash shutdown, cannot connect now), 53300 (too many connections).
	 */
	static boolean isConnectionLost(SQLException ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql) {
				String state = sql.getSQLState();
				if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
					return true;
				}
				if (sql instanceof SQLRecoverableException || sql instanceof SQLNonTransientConnectionException
						|| sql instanceof SQLTransientConnectionException) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether a failed {@code getConnection()} may succeed if tried again within {@code connectWait}: the server
	 * or the database does not accept connections now but will without anyone changing the configuration. Waited
	 * out: class 08 (cannot connect, connection failure: a server down or restarting, a network fault), 57P01 to
	 * 57P03 and 57P05 (shut down by an administrator or a crash, "the database system is starting up / shutting
	 * down / in recovery", an idle session ended), class 53 (too many connections for the server, the database or
	 * the role: 53300; out of memory or disk at session start), 55000 (at connect: "database ... is not currently
	 * accepting connections", {@code ALLOW_CONNECTIONS false}), and the driver's or pool's transient connection
	 * exceptions (a pool's timeout: HikariCP's carries its last connect failure's SQLSTATE, which is read first).
	 * Failing at once ({@link #refusedForGood}): class 28 (bad password, no {@code pg_hba.conf} entry, a role that
	 * may not log in or does not exist), 3D000 (no such database), 57P04 (the database was dropped), 42501 (no
	 * CONNECT privilege), and any other SQLSTATE or none (a closed pool, a bad URL or option): waiting would only
	 * delay the same answer. For connection attempts only: 55000 or class 53 on a statement mean something else.
	 * @param ex the failure of one connection attempt
	 * @return {@code true} if the attempt may be repeated until the wait runs out
	 */
	static boolean connectMayRecover(SQLException ex) {
		if (refusedForGood(ex) != null) {
			return false;
		}
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql) {
				String state = sql.getSQLState();
				if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
						|| state.equals("57P03") || state.equals("57P05") || state.startsWith("53")
						|| state.equals("55000"))) {
					return true;
				}
				if (sql instanceof SQLRecoverableException || sql instanceof SQLNonTransientConnectionException
						|| sql instanceof SQLTransientConnectionException) {
					return true;
				}
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

	/**
	 * Why a failed {@code getConnection()} will fail the same way however long it is retried, when its SQLSTATE
	 * (anywhere in its causes) says so; see {@link #connectMayRecover}.
	 * @param ex the failure of one connection attempt
	 * @return the reason in a few words ("the login was refused"), or {@code null} if no SQLSTATE of it says so
	 */
	static @Nullable String refusedForGood(SQLException ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				if (state.startsWith("28")) {
					return "the login was refused (check the user, the password and pg_hba.conf)";
				}
				if (state.equals("3D000") || state.equals("57P04")) {
					return "the database does not exist";
				}
				if (state.equals("42501")) {
					return "the user may not connect to the database (no CONNECT privilege)";
				}
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return null;
	}

	/**
	 * A connection attempt's failure for a message: {@link #describe} of it and, when it wraps a different driver
	 * failure (a pool's timeout carries the last connect failure as its cause), of that one too.
	 * @param ex the failure
	 * @return the description
	 */
	static String describeConnectFailure(SQLException ex) {
		StringBuilder description = new StringBuilder(describe(ex));
		Throwable cause = ex.getCause();
		if (cause instanceof SQLException sql && sql != ex && !String.valueOf(sql.getMessage()).equals(ex.getMessage())) {
			description.append("; caused by: ").append(describe(sql));
		}
		else if (cause != null && cause != ex && !(cause instanceof SQLException)) {
			description.append("; caused by: ").append(cause);
		}
		return description.toString();
	}

	/**
	 * The first {@link SQLException} among a failure's causes.
	 * @param failure what a call threw
	 * @return the driver's failure inside it, or {@code null} if there is none
	 */
	static @Nullable SQLException sqlCause(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql) {
				return sql;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return null;
	}

	/** A serialization failure (40001) or deadlock (40P01): the transaction rolled back; running it again is safe. */
	static boolean isTransient(SQLException ex) {
		String state = ex.getSQLState();
		return "40001".equals(state) || "40P01".equals(state);
	}

	/** The lock wait ran out (55P03, lock_not_available). */
	static boolean isLockTimeout(SQLException ex) {
		return "55P03".equals(ex.getSQLState());
	}

	/**
	 * The typed failure of an operation that changed nothing: {@link PostgresUnavailableException} when the
	 * connection is gone or the server refuses work, {@link PostgresFailureException} for any other error.
	 * @param message what failed, without the driver's message (appended here)
	 * @param ex the driver's failure
	 * @return the exception to throw
	 */
	static StorageException typed(String message, SQLException ex) {
		String full = message + ": " + describe(ex);
		return isConnectionLost(ex) ? new PostgresUnavailableException(full, ex) : new PostgresFailureException(full, ex);
	}

	static String describe(SQLException ex) {
		return ex.getMessage() + " (SQLSTATE " + ex.getSQLState() + ")";
	}

	/**
	 * Throws what a call made on another thread (or reflectively) failed with, as it was: an {@link SQLException},
	 * a runtime exception or an error; anything else (a checked exception the call does not declare) wrapped in an
	 * {@link IllegalStateException}.
	 * @param cause the failure
	 * @return never returns (declared so callers can write {@code throw rethrown(cause)})
	 * @throws SQLException if the cause is one
	 */
	static SQLException rethrown(Throwable cause) throws SQLException {
		if (cause instanceof SQLException sql) {
			throw sql;
		}
		if (cause instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		throw new IllegalStateException(cause);
	}

}
