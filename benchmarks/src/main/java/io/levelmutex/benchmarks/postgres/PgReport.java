package io.levelmutex.benchmarks.postgres;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.levelmutex.benchmarks.MachineInfo;
import io.levelmutex.benchmarks.MarkdownReport;
import io.levelmutex.benchmarks.Summary;

/**
 * A PostgreSQL series' results as markdown: the context (machine load before and after each run), the targets,
 * the table of every point, the profiles, the notes and the chart.
 */
final class PgReport {

	private PgReport() {
	}

	static String render(String mode, int runs, PgPlan plan, Duration took, String server, List<String> loads,
			String loadAfter, Summary summary, List<PgTargets.Target> targets, List<String> charts,
			List<String> profiles) {
		return render(mode, runs, plan, took, server, loads, loadAfter, summary, targets, charts, profiles, List.of());
	}

	static String render(String mode, int runs, PgPlan plan, Duration took, String server, List<String> loads,
			String loadAfter, Summary summary, List<PgTargets.Target> targets, List<String> charts,
			List<String> profiles, List<String> notes) {
		boolean q = plan.series().equals("Q");
		StringBuilder out = new StringBuilder();
		out.append("# Series ").append(plan.series()).append(": PostgreSQL engine")
			.append(q ? ", issue 19's targets (" : " (").append(mode).append(")\n\n");
		out.append(String.format(Locale.ROOT,
				"Mode: %s, %d run(s), each point warmed up %d ms and measured %d ms, each contender on a fresh"
						+ " database of one private server, in %d s in all. Machine: %s. Server: %s. SQL contenders"
						+ " use a HikariCP pool of min(C, %d) connections. 2 cores shared with other builds: expect"
						+ " noise.%n%n",
				mode, runs, plan.warmup().toMillis(), plan.measurement().toMillis(), took.toSeconds(),
				MachineInfo.describe(), server, SqlContender.MAX_POOL));
		if (q) {
			out.append("Every key is preloaded (W1: ").append(plan.w1Keys()).append(" keys, W2: ").append(plan.w2Keys())
				.append(" keys, at revision 0) before each point. L1 is one connection (C=1 in the table; C=4: four")
				.append(" connections) committing prebuilt ").append(PgPlan.LIMIT_BATCH).append("-row `unnest` upserts,")
				.append(" one autocommit transaction each; its ops/s are rows/s and its latency that of one statement.")
				.append(" The mutex's nodes are `PostgresStore`s in this JVM, each on its own pool of ")
				.append(PostgresMutexContender.POOL_PER_NODE).append(" connections.")
				.append(" Not measured here: the embedded engine's no-regression target (the `benchmarks.jar` series).\n\n");
		}
		out.append("Load before each run (`uptime`, whose load average is `/proc/loadavg`'s first three fields):\n\n");
		for (String load : loads) {
			out.append("- ").append(load).append('\n');
		}
		out.append("- after the last run: load average ").append(loadAfter).append("\n\n");
		out.append(PgTargets.table(targets, q ? "Targets (issue 19): ratios within each run" : "Targets (issue 11)"))
			.append('\n');
		if (q) {
			out.append("Each ratio is taken within each run (both sides measured seconds apart on the same server), then")
				.append(" the median over the runs. A MISSED target is explained by the profile of the mutex's points")
				.append(" below (statements per batch, wait events, lock waits, idle in transaction).\n\n");
		}
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
			out.append(q ? "## Profile of the mutex's points (pg_stat_statements, pg_stat_activity every 10 ms, flush events)\n\n"
					: "## What the server's backends were doing (pg_stat_activity, sampled every 20 ms)\n\n");
			for (String profile : profiles) {
				out.append("- ").append(profile).append('\n');
			}
			out.append('\n');
		}
		if (!notes.isEmpty()) {
			out.append("## Notes\n\n");
			for (String note : notes) {
				out.append("- ").append(note).append('\n');
			}
			out.append('\n');
		}
		for (String chart : charts) {
			out.append("![").append(chart).append("](").append(chart).append(")\n\n");
		}
		return out.toString();
	}

}
