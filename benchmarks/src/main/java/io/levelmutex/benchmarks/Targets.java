package io.levelmutex.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.levelmutex.benchmarks.jmh.JmhScore;

/**
 * The figure targets of issue 6, each evaluated as a ratio within each run (both sides
 * measured in the same process, minutes apart), then summarised as the median of the runs'
 * ratios and their spread.
 */
final class Targets {

	static final String MUTEX = MutexContender.NAME;

	private Targets() {
	}

	/**
	 * Evaluates every target that the summary has the points for.
	 * @param summary the sweeps
	 * @param jmh the microbenchmark scores (may be empty)
	 * @return one line per target
	 */
	static List<Target> evaluate(Summary summary, List<JmhScore> jmh) {
		List<Target> targets = new ArrayList<>();
		for (String label : List.of(Sweep.W1_DURABLE, Sweep.W1_NON_DURABLE)) {
			boolean durable = !label.endsWith("non-durable");
			double limitGoal = durable ? 0.9 : 0.8;
			ratio(summary, "W1 " + durability(label) + ", C=256: mutex / RocksDB limit (prebuilt 256-entry WriteBatches,"
					+ " only the write call timed, run next to the mutex; issue 22)", ">= " + limitGoal, limitGoal, true,
					(run) -> divide(throughput(run, label, MUTEX, 256),
							throughput(run, label, PrebuiltBatchContender.NAME, 256)))
				.map((target) -> target.withNote("per run, in order: " + perRun(summary,
						(run) -> divide(throughput(run, label, MUTEX, 256),
								throughput(run, label, PrebuiltBatchContender.NAME, 256)))))
				.ifPresent(targets::add);
			ratio(summary, "W1 " + durability(label) + ", C=256: mutex / raw WriteBatch (encode in loop) at the same"
					+ " mean batch size (issue 6)", ">= 0.8", 0.8, true,
					(run) -> divide(throughput(run, label, MUTEX, 256),
							throughput(run, label, RawBatchContender.NAME, 256)))
				.ifPresent(targets::add);
		}
		tailLatency(summary, targets);
		for (int clients : new int[] { 16, 256 }) {
			String label = Sweep.w2Label(1000, false);
			ratio(summary, "W2 1k keys non-durable, C=" + clients + ": update() committed updates/s / hand-rolled"
					+ " get/check/put (issue 13)", ">= 1.0", 1.0, true,
					(run) -> divide(throughput(run, label, MUTEX, clients),
							throughput(run, label, HandRolledCasContender.NAME, clients)))
				.map((target) -> target.withLostUpdates(worstLostUpdates(summary)))
				.map((target) -> target.withNote(target.note() + "; update() conflicts "
						+ conflicts(summary, label, MUTEX, clients) + ", hand-rolled conflicts (counted, not retried) "
						+ conflicts(summary, label, HandRolledCasContender.NAME, clients) + " (median of runs)"))
				.ifPresent(targets::add);
		}
		ratio(summary, "Many mutexes, durable: 32 mutexes x 8 clients / 1 mutex x 256 clients (issue 13)", ">= 0.8",
				0.8, true, (run) -> divide(throughput(run, ManyMutexesProbe.LABEL, ManyMutexesProbe.MANY, 256),
						throughput(run, ManyMutexesProbe.LABEL, ManyMutexesProbe.ONE, 256)))
			.ifPresent(targets::add);
		ratio(summary, "W1 durable, C=256: mutex / raw per-operation durable puts from 256 threads", ">= 2.5", 2.5,
				true, (run) -> divide(throughput(run, Sweep.W1_DURABLE, MUTEX, 256),
						throughput(run, Sweep.W1_DURABLE, "raw put", 256)))
			.ifPresent(targets::add);
		for (boolean durable : new boolean[] { true, false }) {
			String label = Sweep.w2Label(1000, durable);
			ratio(summary,
					"W2 1k keys " + (durable ? "durable" : "non-durable")
							+ ", C=256: mutex successful updates/s / OptimisticTransactionDB",
					">= 2", 2, true, (run) -> divide(throughput(run, label, MUTEX, 256),
							throughput(run, label, "OptimisticTransactionDB", 256)))
				.map((target) -> target.withLostUpdates(worstLostUpdates(summary)))
				.ifPresent(targets::add);
		}
		for (String label : List.of(Sweep.W3_DURABLE, Sweep.W3_NON_DURABLE)) {
			ratio(summary, "W3 " + durability(label) + ", C=256: mutex / ReadWriteLock + RocksDB", ">= 1", 1, true,
					(run) -> divide(throughput(run, label, MUTEX, 256),
							throughput(run, label, "ReadWriteLock + RocksDB", 256)))
				.ifPresent(targets::add);
		}
		ratio(summary, "C=1 durable: mutex mean latency / raw durable put mean latency", "<= 1.2", 1.2, false,
				(run) -> divide(latency(run, Sweep.W1_DURABLE, MUTEX, 1), latency(run, Sweep.W1_DURABLE, "raw put", 1)))
			.ifPresent(targets::add);
		ratio(summary, "C=1 non-durable (closed loop): mutex mean latency / raw put mean latency", "report", 0, false,
				(run) -> divide(latency(run, Sweep.W1_NON_DURABLE, MUTEX, 1),
						latency(run, Sweep.W1_NON_DURABLE, "raw put", 1)))
			.ifPresent(targets::add);
		jmhLatencyTargets(jmh, targets);
		for (String label : List.of(Sweep.W1_DURABLE, Sweep.W1_NON_DURABLE)) {
			ratio(summary, "Scaling, W1 " + durability(label) + ": mutex throughput C=1024 / C=256", ">= 1", 1, true,
					(run) -> divide(throughput(run, label, MUTEX, 1024), throughput(run, label, MUTEX, 256)))
				.ifPresent(targets::add);
		}
		return targets;
	}

	private static void tailLatency(Summary summary, List<Target> targets) {
		ratio(summary, "W1 durable, C=256: mutex p99 / p50 latency (issue 13)", "<= 2", 2, false, (run) -> {
			Optional<RunResult> result = find(run, Sweep.W1_DURABLE, MUTEX, 256);
			return result.map((r) -> divide(r.p99Micros(), r.p50Micros())).orElse(null);
		}).map((target) -> target.withNote(summary.row(Sweep.W1_DURABLE, MUTEX, 256)
			.map((row) -> String.format(java.util.Locale.ROOT, "p50 %.0f us, p99 %.0f us, p99.9 %.0f us (medians of runs)",
					row.median(RunResult::p50Micros), row.median(RunResult::p99Micros),
					row.median(RunResult::p999Micros)))
			.orElse("")))
			.ifPresent(targets::add);
	}

	private static String conflicts(Summary summary, String workload, String contender, int clients) {
		return summary.row(workload, contender, clients)
			.map((row) -> String.format(java.util.Locale.ROOT, "%,.0f", row.median((result) -> result.conflicts())))
			.orElse("-");
	}

	private static void jmhLatencyTargets(List<JmhScore> jmh, List<Target> targets) {
		Optional<JmhScore> mutexPut = JmhScore.find(jmh, "mutexPut");
		Optional<JmhScore> rawPut = JmhScore.find(jmh, "rawPut");
		Optional<JmhScore> handOff = JmhScore.find(jmh, "handOff");
		if (mutexPut.isPresent() && rawPut.isPresent()) {
			double mutex = mutexPut.get().score();
			double raw = rawPut.get().score();
			String note = String.format("mutex put %.1f us, raw put %.1f us", mutex, raw);
			if (handOff.isPresent()) {
				double hop = handOff.get().score();
				note += String.format(", bare thread hand-off round trip %.1f us = %.0f%% of the mutex's extra %.1f us",
						hop, 100 * hop / Math.max(mutex - raw, 1e-9), mutex - raw);
			}
			targets.add(new Target("C=1 non-durable (JMH): mutex put / raw put", "report", mutex / raw, mutex / raw,
					mutex / raw, true, note));
			targets.add(new Target("C=1 non-durable (JMH): mutex put mean latency, microseconds", "< 30", mutex, mutex,
					mutex, mutex < 30, ""));
		}
	}

	private static String durability(String label) {
		return label.endsWith("non-durable") ? "non-durable" : "durable";
	}

	private static long worstLostUpdates(Summary summary) {
		long worst = 0;
		for (Summary.Row row : summary.rows()) {
			if (row.lostUpdates() != -1 && Math.abs(row.lostUpdates()) > Math.abs(worst)) {
				worst = row.lostUpdates();
			}
		}
		return worst;
	}

	private static Optional<Target> ratio(Summary summary, String name, String goal, double threshold,
			boolean atLeast, Function<List<RunResult>, Double> perRun) {
		List<Double> ratios = new ArrayList<>();
		for (List<RunResult> run : summary.runs()) {
			Double ratio = perRun.apply(run);
			if (ratio != null && !ratio.isNaN()) {
				ratios.add(ratio);
			}
		}
		if (ratios.isEmpty()) {
			return Optional.empty();
		}
		double median = Summary.median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
		double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
		double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
		boolean met = (threshold == 0) || (atLeast ? median >= threshold : median <= threshold);
		return Optional.of(new Target(name, goal, median, min, max, met, ""));
	}

	/** Each run's ratio, in run order, two decimals, space separated. */
	private static String perRun(Summary summary, Function<List<RunResult>, Double> perRun) {
		StringBuilder out = new StringBuilder();
		for (List<RunResult> run : summary.runs()) {
			Double ratio = perRun.apply(run);
			out.append(out.length() == 0 ? "" : " ")
				.append((ratio == null || ratio.isNaN()) ? "-" : String.format(java.util.Locale.ROOT, "%.2f", ratio));
		}
		return out.toString();
	}

	private static Double divide(Double numerator, Double denominator) {
		if (numerator == null || denominator == null || denominator == 0) {
			return Double.NaN;
		}
		return numerator / denominator;
	}

	private static Double throughput(List<RunResult> run, String workload, String contender, int clients) {
		return find(run, workload, contender, clients).map(RunResult::successesPerSecond).orElse(null);
	}

	private static Double latency(List<RunResult> run, String workload, String contender, int clients) {
		return find(run, workload, contender, clients).map(RunResult::meanMicros).orElse(null);
	}

	private static Optional<RunResult> find(List<RunResult> run, String workload, String contender, int clients) {
		return run.stream()
			.filter((result) -> result.workload().equals(workload) && result.contender().equals(contender)
					&& result.clients() == clients)
			.findFirst();
	}

	/**
	 * One target.
	 * @param name what is compared
	 * @param goal the target, e.g. {@code >= 0.8}; {@code report} when only reported
	 * @param median the median ratio over the runs
	 * @param min the lowest run's ratio
	 * @param max the highest run's ratio
	 * @param met whether the median meets the goal
	 * @param note extra facts
	 */
	record Target(String name, String goal, double median, double min, double max, boolean met, String note) {

		Target withNote(String note) {
			return new Target(this.name, this.goal, this.median, this.min, this.max, this.met, note);
		}

		Target withLostUpdates(long worst) {
			String note = (worst == 0) ? "zero lost updates in every W2 run of every contender"
					: "LOST OR PHANTOM UPDATES: " + worst;
			return new Target(this.name, this.goal, this.median, this.min, this.max, this.met && worst == 0, note);
		}

		String verdict() {
			if ("report".equals(this.goal)) {
				return "reported";
			}
			return this.met ? "met" : "MISSED";
		}

	}

}
