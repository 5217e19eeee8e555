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
final class Summary {

	private final List<List<RunResult>> runs;

	private final List<Row> rows = new ArrayList<>();

	Summary(List<List<RunResult>> runs) {
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

	List<Row> rows() {
		return this.rows;
	}

	int runCount() {
		return this.runs.size();
	}

	List<List<RunResult>> runs() {
		return this.runs;
	}

	Optional<Row> row(String workload, String contender, int clients) {
		String key = key(workload, contender, clients);
		return this.rows.stream().filter((row) -> key(row.workload(), row.contender(), row.clients()).equals(key)).findFirst();
	}

	private static String key(String workload, String contender, int clients) {
		return workload + "|" + contender + "|" + clients;
	}

	static double median(double[] values) {
		if (values.length == 0) {
			return Double.NaN;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/** One point across runs. */
	static final class Row {

		private final List<RunResult> results;

		Row(List<RunResult> results) {
			this.results = List.copyOf(results);
		}

		String workload() {
			return this.results.get(0).workload();
		}

		String contender() {
			return this.results.get(0).contender();
		}

		int clients() {
			return this.results.get(0).clients();
		}

		/** @return the throughput that counts: successful operations per second */
		double throughput() {
			return median(RunResult::successesPerSecond);
		}

		double minThroughput() {
			return this.results.stream().mapToDouble(RunResult::successesPerSecond).min().orElse(Double.NaN);
		}

		double maxThroughput() {
			return this.results.stream().mapToDouble(RunResult::successesPerSecond).max().orElse(Double.NaN);
		}

		double median(ToDoubleFunction<RunResult> figure) {
			return Summary.median(this.results.stream().mapToDouble(figure).toArray());
		}

		/** @return the worst lost-update count over the runs, or -1 if not verified */
		long lostUpdates() {
			long worst = -1;
			for (RunResult result : this.results) {
				if (result.lostUpdates() != -1 && Math.abs(result.lostUpdates()) >= Math.max(worst, 0)) {
					worst = result.lostUpdates();
				}
			}
			return worst;
		}

		long failures() {
			return this.results.stream().mapToLong(RunResult::failures).sum();
		}

	}

}
