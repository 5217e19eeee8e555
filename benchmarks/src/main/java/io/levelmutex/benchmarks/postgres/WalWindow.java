package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import io.levelmutex.benchmarks.ClosedLoopDriver;
import org.jspecify.annotations.Nullable;

/**
 * Reads the server's {@link WalStats} as a point's measurement window opens and closes, on a connection of its
 * own opened beforehand (so the window does not wait for a connection). Driven by the driver's thread; read by
 * the sweep's thread after the run has returned.
 */
final class WalWindow implements ClosedLoopDriver.Window, AutoCloseable {

	private final Connection connection;

	// Written by the driver's thread in opened() and closed(), read by the sweep's thread after the run.
	private @Nullable WalStats opened;

	// As opened.
	private @Nullable WalStats closed;

	// The first failure to read the counters, as opened.
	private @Nullable SQLException failure;

	WalWindow(PgServer server) throws SQLException {
		this.connection = server.connect("postgres");
	}

	@Override
	public void opened() {
		this.opened = read();
	}

	@Override
	public void closed() {
		this.closed = read();
	}

	private @Nullable WalStats read() {
		try {
			return WalStats.read(this.connection);
		}
		catch (SQLException ex) {
			if (this.failure == null) {
				this.failure = ex;
			}
			return null;
		}
	}

	/**
	 * @param rowsPerSecond the rows committed per second in the window
	 * @param rowsPerBatch the mean rows per committed batch, 0 if unknown
	 * @return the window's WAL figures, or why there are none
	 */
	String describe(double rowsPerSecond, double rowsPerBatch) {
		WalStats start = this.opened;
		WalStats end = this.closed;
		if (start == null || end == null) {
			return "WAL counters not read: " + this.failure;
		}
		return end.minus(start).describe(rowsPerSecond, rowsPerBatch);
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
