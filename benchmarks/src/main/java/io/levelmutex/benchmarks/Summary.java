package io.levelmutex.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Results of several sweeps of the same plan folded into one row per point: the median of
 * each figure across runs, and the spread (lowest and highest) of the throughput.
 */
public final class Summary {

	private final List<List<RunResult>> runs;

	private final List<Row> rows = new ArrayList<>();

	/**
	 * Folds runs of the same plan.
	 * @param runs the results of each run
	 */
	public Summary(List<List<RunResult>> runs) {
		this.runs = runs;
		Map<String, List<RunResult>> byPoint = new LinkedHashMap<>();
		for (List<RunResult> run : runs) {
			for (RunResult result : run) {
				byPoint.computeIfAbsent(key(result.workload(), result.contender(), result.clients()),
						(key) -> new ArrayList<>())
					.add(result);
			}
		}
		byPoint.values().forEach((results) -> this.rows.add(new Row(results)));
	}

	/** @return one row per point, in the order first run */
	public List<Row> rows() {
		return this.rows;
	}

	/** @return how many runs were folded */
	public int runCount() {
		return this.runs.size();
	}

	/** @return the results of each run */
	public List<List<RunResult>> runs() {
		return this.runs;
	}

	/**
	 * One point.
	 * @param workload the workload's label
	 * @param contender the contender's name
	 * @param clients C
	 * @return the row, if measured
	 */
	public Optional<Row> row(String workload, String contender, int clients) {
		String key = key(workload, contender, clients);
		return this.rows.stream().filter((row) -> key(row.workload(), row.contender(), row.clients()).equals(key)).findFirst();
	}

	private static String key(String workload, String contender, int clients) {
		return workload + "|" + contender + "|" + clients;
	}

	/**
	 * The median.
	 * @param values the values (not modified)
	 * @return their median, NaN if none
	 */
	public static double median(double[] values) {
		if (values.length == 0) {
			return Double.NaN;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/** One point across runs. */
	public static final class Row {

		private final List<RunResult> results;

		Row(List<RunResult> results) {
			this.results = List.copyOf(results);
		}

		/** @return the workload's label */
		public String workload() {
			return this.results.get(0).workload();
		}

		/** @return the contender's name */
		public String contender() {
			return this.results.get(0).contender();
		}

		/** @return C */
		public int clients() {
			return this.results.get(0).clients();
		}

		/** @return the throughput that counts: successful operations per second */
		public double throughput() {
			return median(RunResult::successesPerSecond);
		}

		/** @return the lowest run's successes per second */
		public double minThroughput() {
			return this.results.stream().mapToDouble(RunResult::successesPerSecond).min().orElse(Double.NaN);
		}

		/** @return the highest run's successes per second */
		public double maxThroughput() {
			return this.results.stream().mapToDouble(RunResult::successesPerSecond).max().orElse(Double.NaN);
		}

		/**
		 * The median of a figure over the runs.
		 * @param figure the figure
		 * @return its median
		 */
		public double median(ToDoubleFunction<RunResult> figure) {
			return Summary.median(this.results.stream().mapToDouble(figure).toArray());
		}

		/** @return the worst lost-update count over the runs, or -1 if not verified */
		public long lostUpdates() {
			long worst = -1;
			for (RunResult result : this.results) {
				if (result.lostUpdates() != -1 && Math.abs(result.lostUpdates()) >= Math.max(worst, 0)) {
					worst = result.lostUpdates();
				}
			}
			return worst;
		}

		/** @return the failures of all runs */
		public long failures() {
			return this.results.stream().mapToLong(RunResult::failures).sum();
		}

	}

}
