package io.levelmutex.benchmarks.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.levelmutex.benchmarks.RunResult;
import io.levelmutex.benchmarks.Summary;

/**
 * The figure targets of issue 11 (series P) and issue 19 (series Q), each a ratio within each run (both sides measured in the same process,
 * seconds apart, on the same server), summarised as the median of the runs' ratios and their spread; and
 * the lost-update check of W2 for every compare-and-set contender.
 */
final class PgTargets {

	private PgTargets() {
	}

	static List<Target> evaluate(Summary summary, PgPlan plan, String mutex1, String mutex3) {
		List<Target> targets = new ArrayList<>();
		String w2 = plan.w2Label();
		String a = AutocommitUpsertContender.NAME;
		String b = SelectForUpdateContender.NAME;
		String c = JdbcLockRegistryContender.NAME;
		ratio(summary, "W1 C=256: mutex (1 node) / (a) autocommit upsert, ops/s", ">= 8", 8, true,
				(run) -> divide(figure(run, PgSweep.W1, mutex1, 256, RunResult::successesPerSecond),
						figure(run, PgSweep.W1, a, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "W2 C=256: mutex (1 node) / (b) SELECT FOR UPDATE, committed updates/s", ">= 3", 3, true,
				(run) -> divide(figure(run, w2, mutex1, 256, RunResult::successesPerSecond),
						figure(run, w2, b, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "W2 C=256: mutex (1 node) / (c) JdbcLockRegistry, committed updates/s", ">= 10", 10, true,
				(run) -> divide(figure(run, w2, mutex1, 256, RunResult::successesPerSecond),
						figure(run, w2, c, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "W1 C=1: mutex (1 node) / (a) autocommit upsert, mean latency", "<= 1.5", 1.5, false,
				(run) -> divide(figure(run, PgSweep.W1, mutex1, 1, RunResult::meanMicros),
						figure(run, PgSweep.W1, a, 1, RunResult::meanMicros)))
			.ifPresent(targets::add);
		ratio(summary, "W1 C=1: mutex (1 node) / (a) autocommit upsert, p50 latency", "report", 0, false,
				(run) -> divide(figure(run, PgSweep.W1, mutex1, 1, RunResult::p50Micros),
						figure(run, PgSweep.W1, a, 1, RunResult::p50Micros)))
			.ifPresent(targets::add);
		ratio(summary, "W1 C=256: mutex 3 nodes / 1 node, ops/s", ">= 1", 1, true,
				(run) -> divide(figure(run, PgSweep.W1, mutex3, 256, RunResult::successesPerSecond),
						figure(run, PgSweep.W1, mutex1, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "W2 C=256: mutex 3 nodes / 1 node, committed updates/s", ">= 1", 1, true,
				(run) -> divide(figure(run, w2, mutex3, 256, RunResult::successesPerSecond),
						figure(run, w2, mutex1, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		lostUpdates(summary, w2, plan).ifPresent(targets::add);
		return targets;
	}

	/**
	 * Issue 19's targets (series Q): the mutex against PostgreSQL's own limit L1, against the autocommit upsert
	 * and the JPA-style optimistic update at one client, three nodes against one; the lost-update check; and
	 * the reported context (L1 on the engine's table, four L1 connections, the optimistic update at C = 256).
	 * @param summary the runs
	 * @param plan the plan
	 * @return the targets whose points ran
	 */
	static List<Target> evaluateIssue19(Summary summary, PgPlan plan) {
		List<Target> targets = new ArrayList<>();
		String w1 = plan.w1Label();
		String w2 = plan.w2Label();
		String l1 = LimitContender.NAME;
		String m1 = PgContenderKind.MUTEX_1;
		String o = OptimisticUpdateContender.NAME;
		ratio(summary, "blind puts C=256, 1 node: mutex / L1 (1 connection), rows/s", ">= 0.6", 0.6, true,
				(run) -> divide(figure(run, w1, m1, 256, RunResult::successesPerSecond),
						figure(run, w1, l1, 1, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "update() read-increment-write, 1k keys, C=256: mutex / L1, committed/s", ">= 0.4", 0.4, true,
				(run) -> divide(figure(run, w2, m1, 256, RunResult::successesPerSecond),
						figure(run, w1, l1, 1, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		lostUpdates(summary, w2, plan).ifPresent(targets::add);
		ratio(summary, "C=1: put mean latency / autocommit upsert", "<= 1.3", 1.3, false,
				(run) -> divide(figure(run, w1, m1, 1, RunResult::meanMicros),
						figure(run, w1, AutocommitUpsertContender.NAME, 1, RunResult::meanMicros)))
			.ifPresent(targets::add);
		ratio(summary, "C=1: update() mean latency / JPA-style optimistic update", "<= 1.0", 1.0, false,
				(run) -> divide(figure(run, w2, m1, 1, RunResult::meanMicros), figure(run, w2, o, 1, RunResult::meanMicros)))
			.ifPresent(targets::add);
		ratio(summary, "blind puts C=256, one keyspace: 3 nodes / 1 node", ">= 0.9", 0.9, true,
				(run) -> divide(figure(run, w1, PgContenderKind.MUTEX_3, 256, RunResult::successesPerSecond),
						figure(run, w1, m1, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "blind puts C=256, 8 keyspaces: 3 nodes / 1 node", ">= 0.9", 0.9, true,
				(run) -> divide(figure(run, w1, PgContenderKind.MUTEX_3_K8, 256, RunResult::successesPerSecond),
						figure(run, w1, PgContenderKind.MUTEX_1_K8, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "L1 on the engine's table / L1 on kv, rows/s", "report", 0, true,
				(run) -> divide(figure(run, w1, LimitContender.NAME_ENGINE_TABLE, 1, RunResult::successesPerSecond),
						figure(run, w1, l1, 1, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "L1 with 4 connections / 1 connection (group commit), rows/s", "report", 0, true,
				(run) -> divide(figure(run, w1, l1, 4, RunResult::successesPerSecond),
						figure(run, w1, l1, 1, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "blind puts C=256, 1 node: 8 keyspaces / 1 keyspace", "report", 0, true,
				(run) -> divide(figure(run, w1, PgContenderKind.MUTEX_1_K8, 256, RunResult::successesPerSecond),
						figure(run, w1, m1, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		ratio(summary, "update() C=256: mutex / JPA-style optimistic update, committed/s", "report", 0, true,
				(run) -> divide(figure(run, w2, m1, 256, RunResult::successesPerSecond),
						figure(run, w2, o, 256, RunResult::successesPerSecond)))
			.ifPresent(targets::add);
		return targets;
	}

	private static Optional<Target> lostUpdates(Summary summary, String w2, PgPlan plan) {
		List<String> casNames = new ArrayList<>();
		for (PgContenderKind kind : plan.contenders()) {
			if (kind.compareAndSet()) {
				casNames.add(kind.contenderName());
			}
		}
		long worst = 0;
		boolean verified = false;
		List<String> notes = new ArrayList<>();
		for (Summary.Row row : summary.rows()) {
			if (!row.workload().equals(w2) || row.lostUpdates() == -1) {
				continue;
			}
			notes.add(row.contender() + " C=" + row.clients() + ": " + row.lostUpdates());
			if (casNames.contains(row.contender())) {
				verified = true;
				worst = Math.max(worst, Math.abs(row.lostUpdates()));
			}
		}
		if (!verified) {
			return Optional.empty();
		}
		return Optional.of(new Target("W2: lost updates of every compare-and-set contender (worst run)", "= 0", worst,
				worst, worst, (worst == 0) ? "met" : "MISSED", "per contender (worst run): " + String.join(", ", notes)));
	}

	private static Optional<Target> ratio(Summary summary, String name, String goal, double threshold, boolean atLeast,
			Function<List<RunResult>, Double> perRun) {
		List<Double> ratios = new ArrayList<>();
		for (List<RunResult> run : summary.runs()) {
			Double ratio = perRun.apply(run);
			if (!ratio.isNaN()) {
				ratios.add(ratio);
			}
		}
		if (ratios.isEmpty()) {
			return Optional.empty();
		}
		double median = Summary.median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
		double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
		double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
		String verdict = (threshold == 0) ? "reported"
				: (atLeast ? median >= threshold : median <= threshold) ? "met" : "MISSED";
		StringBuilder perRunNote = new StringBuilder("runs:");
		for (Double ratio : ratios) {
			perRunNote.append(String.format(Locale.ROOT, " %.2f", ratio));
		}
		return Optional.of(new Target(name, goal, median, min, max, verdict, perRunNote.toString()));
	}

	private static Double divide(Double numerator, Double denominator) {
		if (numerator.isNaN() || denominator.isNaN() || denominator == 0) {
			return Double.NaN;
		}
		return numerator / denominator;
	}

	private static Double figure(List<RunResult> run, String workload, String contender, int clients,
			ToDoubleFunction<RunResult> figure) {
		return run.stream()
			.filter((result) -> result.workload().equals(workload) && result.contender().equals(contender)
					&& result.clients() == clients)
			.findFirst()
			.map(figure::applyAsDouble)
			.orElse(Double.NaN);
	}

	static String table(List<Target> targets) {
		return table(targets, "Targets (issue 11)");
	}

	static String table(List<Target> targets, String title) {
		StringBuilder out = new StringBuilder("## ").append(title).append("\n\n");
		out.append("| target | goal | median | spread (runs) | verdict | note |\n|---|---|---:|---|---|---|\n");
		for (Target target : targets) {
			out.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f - %.2f | %s | %s |%n", target.name(),
					target.goal(), target.median(), target.min(), target.max(), target.verdict(), target.note()));
		}
		return out.toString();
	}

	/**
	 * One target.
	 * @param name what is compared
	 * @param goal the goal; {@code report} when only reported
	 * @param median the median over the runs
	 * @param min the lowest run's figure
	 * @param max the highest run's figure
	 * @param verdict {@code met}, {@code MISSED} or {@code reported}
	 * @param note the runs' figures, or what else matters
	 */
	record Target(String name, String goal, double median, double min, double max, String verdict, String note) {
	}

}
