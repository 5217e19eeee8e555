package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples what the server's client backends are doing while a point runs ({@code pg_stat_activity}: wait
 * event, or CPU when active without one, or idle in transaction: waiting for its client; idle backends are not
 * counted), every {@code interval} (20 ms in series P, 10 ms in series Q), for the profile of a missed target.
 * Besides the busiest activities it reports the share of busy samples that were lock waits
 * ({@code wait_event_type = 'Lock'}) and idle in transaction (the backend waiting for its client inside an open
 * transaction, holding its locks). Started and stopped by the sweep's thread; the counts are owned by the
 * sampling thread until {@link #stop()} has joined it.
 */
final class WaitEventSampler {

	private static final String QUERY = "SELECT state, wait_event_type, wait_event FROM pg_stat_activity"
			+ " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname <> 'postgres'";

	private final PgServer server;

	// Samples per activity; written by the sampling thread, read after it is joined.
	private final Map<String, Integer> counts = new HashMap<>();

	// Set by the sweep's thread, read by the sampling thread.
	private volatile boolean stopped;

	private final Thread thread;

	// Taken samples; owned like counts.
	private int samples;

	// Pause between two samples.
	private final long intervalNanos;

	WaitEventSampler(PgServer server) {
		this(server, 20);
	}

	WaitEventSampler(PgServer server, int intervalMillis) {
		this.server = server;
		this.intervalNanos = intervalMillis * 1_000_000L;
		this.thread = new Thread(this::sample, "pg-wait-event-sampler");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/**
	 * Stops sampling.
	 * @return the busiest activities: share of backend samples and mean busy backends per sample
	 * @throws InterruptedException if interrupted while joining
	 */
	String stop() throws InterruptedException {
		this.stopped = true;
		this.thread.join();
		int total = this.counts.values().stream().mapToInt(Integer::intValue).sum();
		if (total == 0 || this.samples == 0) {
			return "no busy backend sampled";
		}
		List<Map.Entry<String, Integer>> sorted = new ArrayList<>(this.counts.entrySet());
		sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
		int locks = 0;
		int idleInTransaction = 0;
		for (Map.Entry<String, Integer> entry : this.counts.entrySet()) {
			if (entry.getKey().startsWith("Lock:")) {
				locks += entry.getValue();
			}
			else if (entry.getKey().equals("idle in transaction")) {
				idleInTransaction += entry.getValue();
			}
		}
		StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
				"%.1f busy backends per sample (%d samples); lock waits %.0f%%, idle in transaction %.0f%% of busy"
						+ " samples; activities:",
				(double) total / this.samples, this.samples, 100.0 * locks / total, 100.0 * idleInTransaction / total));
		for (Map.Entry<String, Integer> entry : sorted.subList(0, Math.min(8, sorted.size()))) {
			out.append(String.format(Locale.ROOT, " %s %.0f%%,", entry.getKey(), 100.0 * entry.getValue() / total));
		}
		out.setLength(out.length() - 1);
		return out.toString();
	}

	private void sample() {
		try (Connection connection = this.server.connect("postgres"); Statement statement = connection.createStatement()) {
			while (!this.stopped) {
				try (ResultSet result = statement.executeQuery(QUERY)) {
					while (result.next()) {
						String state = result.getString(1);
						String activity;
						if ("active".equals(state)) {
							String type = result.getString(2);
							activity = (type == null) ? "CPU" : type + ":" + result.getString(3);
						}
						else if ("idle in transaction".equals(state)) {
							activity = "idle in transaction";
						}
						else {
							continue;
						}
						this.counts.merge(activity, 1, Integer::sum);
					}
				}
				this.samples++;
				LockSupport.parkNanos(this.intervalNanos);
			}
		}
		catch (SQLException ex) {
			this.counts.merge("sampler failed: " + ex.getMessage(), 1, Integer::sum);
		}
	}

}
