package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

	// The server's processes as the window opened (pg_stat_activity), as opened.
	private List<Integer> serverPids = List.of();

	// Their CPU (clock ticks) and this JVM's CPU (ns) as the window opened and closed, as opened.
	private long serverTicksOpened;

	private long serverTicksClosed;

	private long jvmNanosOpened;

	private long jvmNanosClosed;

	private long openedNanos;

	private long closedNanos;

	WalWindow(PgServer server) throws SQLException {
		this.connection = server.connect("postgres");
	}

	@Override
	public void opened() {
		this.opened = read();
		try {
			this.serverPids = serverPids(this.connection);
		}
		catch (SQLException ex) {
			if (this.failure == null) {
				this.failure = ex;
			}
		}
		this.serverTicksOpened = cpuTicks(this.serverPids);
		this.jvmNanosOpened = jvmCpuNanos();
		this.openedNanos = System.nanoTime();
	}

	@Override
	public void closed() {
		this.closedNanos = System.nanoTime();
		this.serverTicksClosed = cpuTicks(this.serverPids);
		this.jvmNanosClosed = jvmCpuNanos();
		this.closed = read();
	}

	private static List<Integer> serverPids(Connection connection) throws SQLException {
		List<Integer> pids = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pid FROM pg_stat_activity")) {
			while (result.next()) {
				pids.add(result.getInt(1));
			}
		}
		return pids;
	}

	/** User and system CPU of the processes, in clock ticks (1/100 s), those that are gone left out. */
	private static long cpuTicks(List<Integer> pids) {
		long ticks = 0;
		for (int pid : pids) {
			try {
				String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
				String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			}
			catch (IOException | RuntimeException ex) {
				// gone
			}
		}
		return ticks;
	}

	private static long jvmCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
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
		double seconds = (this.closedNanos - this.openedNanos) / 1e9;
		double rows = rowsPerSecond * seconds;
		String cpu = (rows <= 0) ? "" : String.format(Locale.ROOT,
				"; CPU per row in the window: server %.1f us (%d processes of pg_stat_activity), this JVM %.1f us",
				(this.serverTicksClosed - this.serverTicksOpened) * 10_000.0 / rows, this.serverPids.size(),
				(this.jvmNanosClosed - this.jvmNanosOpened) / 1000.0 / rows);
		return end.minus(start).describe(rowsPerSecond, rowsPerBatch) + cpu;
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
