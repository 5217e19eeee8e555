package io.levelmutex.benchmarks.postgres;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.levelmutex.benchmarks.MachineInfo;
import io.levelmutex.benchmarks.MarkdownReport;
import io.levelmutex.benchmarks.Summary;

/** Series P's results as markdown: the context, the targets, the table of every point and the chart. */
final class PgReport {

	private PgReport() {
	}

	static String render(String mode, int runs, PgPlan plan, Duration took, String server, List<String> loads,
			String loadAfter, Summary summary, List<PgTargets.Target> targets, List<String> charts,
			List<String> profiles) {
		StringBuilder out = new StringBuilder();
		out.append("# Series P: PostgreSQL engine (").append(mode).append(")\n\n");
		out.append(String.format(Locale.ROOT,
				"Mode: %s, %d run(s), each point warmed up %d ms and measured %d ms, each contender on a fresh"
						+ " database of one private server, in %d s in all. Machine: %s. Server: %s. SQL contenders"
						+ " use a HikariCP pool of min(C, %d) connections. 2 cores shared with other builds: expect"
						+ " noise.%n%n",
				mode, runs, plan.warmup().toMillis(), plan.measurement().toMillis(), took.toSeconds(),
				MachineInfo.describe(), server, SqlContender.MAX_POOL));
		out.append("Load (`uptime`) before each run:\n\n");
		for (String load : loads) {
			out.append("- ").append(load).append('\n');
		}
		out.append("- after the last run: load average ").append(loadAfter).append("\n\n");
		out.append(PgTargets.table(targets)).append('\n');
		out.append("## Points\n\n");
		out.append("Throughput is successful operations per second (W2: committed updates), the median of ")
			.append(summary.runCount())
			.append(summary.runCount() == 1 ? " run" : " runs")
			.append(", with the lowest and highest run. Latencies (microseconds) are medians over the runs of each")
			.append(" run's figure. `batch` is the mutex's mean writes per committed batch (all nodes), `write")
			.append(" us/batch` its mean flush time, `reads/phase` its mean reads per read phase. `conflicts` are")
			.append(" updates refused after their attempts (nothing written). `lost` is committed updates minus the")
			.append(" revisions found in the database after W2 (0 = no update lost), worst run shown.\n\n");
		out.append(MarkdownReport.pointsTable(summary)).append('\n');
		if (!profiles.isEmpty()) {
			out.append("## What the server's backends were doing (pg_stat_activity, sampled every 20 ms)\n\n");
			for (String profile : profiles) {
				out.append("- ").append(profile).append('\n');
			}
			out.append('\n');
		}
		for (String chart : charts) {
			out.append("![").append(chart).append("](").append(chart).append(")\n\n");
		}
		return out.toString();
	}

}
