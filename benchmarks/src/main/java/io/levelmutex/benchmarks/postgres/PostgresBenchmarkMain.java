package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.levelmutex.benchmarks.LineChart;
import io.levelmutex.benchmarks.MachineInfo;
import io.levelmutex.benchmarks.RunResult;
import io.levelmutex.benchmarks.Summary;

/**
 * Series P (issue 11), the PostgreSQL engine against plain SQL on the same server, and series Q (issue 19,
 * {@code --series Q}), the engine against PostgreSQL's own batch limit:
 * {@code java -cp benchmarks/target/benchmarks.jar io.levelmutex.benchmarks.postgres.PostgresBenchmarkMain [--series Q] [--quick]}.
 *
 * <p>Series Q runs issue 19's points ({@link PgPlan#seriesQ()}) three times (quick too, with short windows),
 * profiles every mutex point ({@code pg_stat_statements} loaded, {@code pg_stat_activity} sampled every
 * 10 ms) and reports the targets as ratios within each run, into {@code benchmarks/results/series-q} by
 * default.
 *
 * <p>Starts a private PostgreSQL (fsync and synchronous_commit on) for the whole series, runs W1 (blind
 * writes, C = 1, 16, 256) and W2 (read-check-write on 1k keys, C = 256) against every contender
 * ({@code --runs} times, 3 by default, 1 with {@code --quick}), each point on a fresh database; prints the
 * markdown report (targets, table) to standard output and writes {@code results-<mode>.md} and the W1 chart
 * {@code <mode>-w1.svg} into {@code --out} (default {@code benchmarks/results/series-p}). Progress goes to
 * standard error.
 *
 * <p>Options: {@code --series P|Q}, {@code --quick}, {@code --runs N}, {@code --out DIR},
 * {@code --contenders a,b,c,o,l1,l1e,m1,m3,m1k8,m3k8} (series P: a, b, c, m1, m3 by default),
 * {@code --clients 1,256} (levels to keep), {@code --only W1,W2}, {@code --wait-events} (sample the server's
 * backends during each point: {@code pg_stat_activity} wait events, in the report; with series Q too, each point's WAL
 * syncs, rows per sync and bytes per row from {@code pg_stat_wal}), {@code --statements} (load
 * {@code pg_stat_statements} and report each point's busiest statements and their calls per operation),
 * {@code --c1-client async|join|blocking} (how the one-node mutex's client waits at C = 1: chained on the futures,
 * the default and series Q's until series Y; a thread that joins the futures; a thread that calls
 * {@code Mutex.blocking()}, what a Spring MVC request thread writes, as the blocking JDBC clients it is compared
 * with; noted in the report).
 */
public final class PostgresBenchmarkMain {

	/** Series P's contenders unless {@code --contenders} names others. */
	private static final List<PgContenderKind> SERIES_P_CONTENDERS = List.of(PgContenderKind.AUTOCOMMIT,
			PgContenderKind.SELECT_FOR_UPDATE, PgContenderKind.LOCK_REGISTRY, PgContenderKind.MUTEX_ONE_NODE,
			PgContenderKind.MUTEX_THREE_NODES);

	private PostgresBenchmarkMain() {
	}

	/**
	 * Runs series P.
	 * @param args the options
	 * @throws Exception if a point cannot run
	 */
	public static void main(String[] args) throws Exception {
		boolean quick = false;
		int runs = -1;
		String series = "P";
		Path out = null;
		List<PgContenderKind> contenders = new ArrayList<>();
		Set<Integer> clientLevels = new LinkedHashSet<>();
		Set<PgPlan.Load> only = EnumSet.allOf(PgPlan.Load.class);
		boolean waitEvents = false;
		boolean statements = false;
		MutexClient c1Client = MutexClient.ASYNC;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--series" -> series = args[++i].toUpperCase(Locale.ROOT);
				case "--runs" -> runs = Integer.parseInt(args[++i]);
				case "--out" -> out = Path.of(args[++i]);
				case "--contenders" -> {
					contenders.clear();
					for (String option : args[++i].split(",")) {
						contenders.add(PgContenderKind.ofOption(option));
					}
				}
				case "--clients" -> {
					for (String level : args[++i].split(",")) {
						clientLevels.add(Integer.parseInt(level.trim()));
					}
				}
				case "--wait-events" -> waitEvents = true;
				case "--statements" -> statements = true;
				case "--c1-client" -> c1Client = MutexClient.ofOption(args[++i]);
				case "--only" -> {
					only = EnumSet.noneOf(PgPlan.Load.class);
					for (String workload : args[++i].toUpperCase(Locale.ROOT).split(",")) {
						only.add(PgPlan.Load.valueOf(workload.trim()));
					}
				}
				default -> usage("Unknown option " + args[i]);
			}
		}
		if (!series.equals("P") && !series.equals("Q")) {
			usage("Unknown series " + series);
		}
		boolean issue19 = series.equals("Q");
		if (runs < 1) {
			runs = (quick && !issue19) ? 1 : 3;
		}
		if (out == null) {
			out = Path.of("benchmarks", "results", issue19 ? "series-q" : "series-p");
		}
		String mode = quick ? "quick" : "full";
		PgPlan plan;
		if (issue19) {
			plan = (quick ? PgPlan.seriesQQuick() : PgPlan.seriesQ()).keep(only, clientLevels, Set.copyOf(contenders));
		}
		else {
			List<PgContenderKind> chosen = contenders.isEmpty() ? SERIES_P_CONTENDERS : contenders;
			plan = (quick ? PgPlan.quick(chosen) : PgPlan.full(chosen)).keep(only, clientLevels, Set.of());
		}
		Files.createDirectories(out);
		Instant started = Instant.now();
		List<String> loads = new ArrayList<>();
		List<List<RunResult>> sweeps = new ArrayList<>();
		List<String> profiles = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		String server;
		try (PgServer pg = PgServer.start()) {
			if (statements || issue19) {
				try {
					pg.enableStatementStatistics();
				}
				catch (SQLException | RuntimeException ex) {
					// Series Q still runs: its profile falls back to pg_stat_database's transaction counts.
					notes.add("pg_stat_statements could not be loaded (" + ex + "): statement counts are replaced by"
							+ " transaction counts");
					System.err.println(notes.get(notes.size() - 1));
				}
			}
			if (waitEvents || issue19) {
				try {
					pg.enableWalTiming();
				}
				catch (SQLException ex) {
					notes.add("track_wal_io_timing could not be set (" + ex + "): WAL sync times read 0");
					System.err.println(notes.get(notes.size() - 1));
				}
			}
			server = pg.describe();
			if (c1Client != MutexClient.ASYNC) {
				notes.add("C=1 points of the mutex on one node: " + c1Client.option() + " clients (a thread per client, "
						+ (c1Client == MutexClient.BLOCKING ? "Mutex.blocking()" : "futures joined") + "); other points"
						+ " asynchronous");
			}
			System.err.println("level-mutex series " + series + ", " + mode + " mode, " + runs + " run(s), "
					+ plan.points().size() + " points each; " + MachineInfo.describe() + "; " + server);
			for (int run = 1; run <= runs; run++) {
				int number = run;
				String uptime = uptime();
				System.err.println("== run " + run + "/" + runs + "; uptime: " + uptime);
				PgSweep sweep = new PgSweep(pg, plan, run, (result) -> System.err.println(progressLine(number, result)),
						waitEvents, statements, issue19, c1Client);
				sweeps.add(sweep.run());
				loads.add("run " + run + ": " + uptime + "; after the run: load average " + MachineInfo.loadAverage());
				profiles.addAll(sweep.profiles());
				notes.addAll(sweep.notes());
				// The report so far, rewritten after every run: a series cut short keeps its finished runs.
				String report = report(mode, plan, out, started, server, loads, sweeps, profiles, notes);
				if (run == runs) {
					System.out.println(report);
				}
			}
		}
		System.exit(0);
	}

	private static void usage(String problem) {
		System.err.println(problem + "; options: --series P|Q --quick --runs N --out DIR"
				+ " --contenders a,b,c,o,l1,l1e,m1,m3,m1k8,m3k8 --clients 1,256 --only W1,W2 --wait-events --statements"
				+ " --c1-client async|join|blocking");
		System.exit(2);
	}

	private static String report(String mode, PgPlan plan, Path out, Instant started, String server,
			List<String> loads, List<List<RunResult>> sweeps, List<String> profiles, List<String> notes)
			throws IOException {
		int runs = sweeps.size();
		Summary summary = new Summary(sweeps);
		boolean issue19 = plan.series().equals("Q");
		List<PgTargets.Target> targets = issue19 ? PgTargets.evaluateIssue19(summary, plan)
				: PgTargets.evaluate(summary, plan, PgContenderKind.MUTEX_1, PgContenderKind.MUTEX_3);
		List<String> charts = new ArrayList<>();
		if (!issue19 && plan.w1Clients().size() > 1) {
			LineChart chart = new LineChart("Series P, W1 blind writes on PostgreSQL (median of " + runs
					+ (runs == 1 ? " run)" : " runs)"), "successful operations per second");
			for (Summary.Row row : summary.rows()) {
				if (row.workload().equals(plan.w1Label())) {
					chart.add(row.contender(), row.clients(), row.throughput());
				}
			}
			String name = mode + "-w1.svg";
			chart.writeSvg(out.resolve(name));
			charts.add(name);
		}
		Duration took = Duration.between(started, Instant.now());
		String report = PgReport.render(mode, runs, plan, took, server, loads, MachineInfo.loadAverage(), summary,
				targets, charts, profiles, notes);
		Files.writeString(out.resolve("results-" + mode + ".md"), report);
		System.err.println("Wrote " + out.resolve("results-" + mode + ".md") + " (" + runs + " run(s)) after "
				+ took.toSeconds() + " s");
		return report;
	}

	/** The output of {@code uptime} (load averages and how long the machine has been up). */
	private static String uptime() {
		try {
			Process process = new ProcessBuilder("uptime").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			process.waitFor();
			return output.isEmpty() ? "load average " + MachineInfo.loadAverage() : output;
		}
		catch (IOException ex) {
			return "load average " + MachineInfo.loadAverage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "load average " + MachineInfo.loadAverage();
		}
	}

	private static String progressLine(int run, RunResult result) {
		return String.format(Locale.ROOT,
				"[run %d] %-34s C=%-4d %-24s %,10.0f ok/s  mean %9.1f us  p50 %9.1f  p99 %9.1f  p99.9 %9.1f  batch %6.1f  conflicts %d  failures %d%s",
				run, result.workload(), result.clients(), result.contender(), result.successesPerSecond(),
				result.meanMicros(), result.p50Micros(), result.p99Micros(), result.p999Micros(), result.meanBatch(),
				result.conflicts(), result.failures(), (result.lostUpdates() == -1) ? "" : "  lost " + result.lostUpdates());
	}

}
