package io.levelmutex.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One PNG per workload configuration swept over more than one concurrency level: median
 * throughput against C, one line per contender.
 */
final class Charts {

	private Charts() {
	}

	/**
	 * Writes the charts.
	 * @param summary the results
	 * @param directory where to write them
	 * @param mode {@code quick} or {@code full}, prefixed to the file names
	 * @return the file names written, relative to {@code directory}
	 * @throws IOException if a file cannot be written
	 */
	static List<String> write(Summary summary, Path directory, String mode) throws IOException {
		Map<String, LineChart> charts = new LinkedHashMap<>();
		Map<String, Integer> levels = new LinkedHashMap<>();
		for (Summary.Row row : summary.rows()) {
			charts.computeIfAbsent(row.workload(),
					(workload) -> new LineChart(workload + " (median of " + summary.runCount() + (summary.runCount() == 1 ? " run)" : " runs)"),
							"successful operations per second"))
				.add(row.contender(), row.clients(), row.throughput());
			levels.merge(row.workload() + "|" + row.clients(), 1, Integer::sum);
		}
		List<String> written = new ArrayList<>();
		for (Map.Entry<String, LineChart> entry : charts.entrySet()) {
			long clientLevels = levels.keySet().stream().filter((key) -> key.startsWith(entry.getKey() + "|")).count();
			if (clientLevels < 2) {
				continue;
			}
			String name = mode + "-" + entry.getKey()
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^a-z0-9]+", "-")
				.replaceAll("(^-|-$)", "") + ".png";
			entry.getValue().write(directory.resolve(name));
			written.add(name);
		}
		return written;
	}

}
