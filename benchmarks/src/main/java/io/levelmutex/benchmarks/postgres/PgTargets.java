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
 * The figure targets of issue 11, each a ratio within each run (both sides measured in the same process,
 * seconds apart, on the same server), summarised as the median of the runs' ratios and their spread; and
 * the lost-update check of W2 for every compare-and-set contender.
 */
final class PgTargets {

	private PgTargets() {
	}

	static List<Target> evaluate(Summary summary, PgPlan plan, String mutex1, String mutex3) {
		List<Target> targets = new ArrayList<>();
		String w2 = PgSweep.w2Label(plan.w2Keys());
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
			notes.add(row.contender() + " " + row.lostUpdates());
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
		StringBuilder out = new StringBuilder("## Targets (issue 11)\n\n");
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
