package io.levelmutex.postgres;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

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
