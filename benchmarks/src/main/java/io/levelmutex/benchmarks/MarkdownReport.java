package io.levelmutex.benchmarks;

import java.util.List;
import java.util.Locale;

import io.levelmutex.benchmarks.jmh.JmhScore;
import org.jspecify.annotations.Nullable;

/**
 * The results as markdown: the targets, the table of every point, the microbenchmarks and
 * the memory figures.
 */
public final class MarkdownReport {

	private MarkdownReport() {
	}

	static String render(String title, String context, Summary summary, List<Targets.Target> targets,
			List<JmhScore> jmh, MemoryProbe.@Nullable MemoryReport memory, List<String> charts) {
		StringBuilder out = new StringBuilder();
		out.append("# ").append(title).append("\n\n").append(context).append("\n\n");
		out.append(targetsTable(targets)).append('\n');
		out.append("## Closed-loop sweeps\n\n");
		out.append("Throughput is successful operations per second (for W2: committed updates), the median of ")
			.append(summary.runCount())
			.append(summary.runCount() == 1 ? " run" : " runs")
			.append(", with the lowest and highest run. Latencies (microseconds) are medians over the runs of each run's")
			.append(" figure. `batch` is the mean writes per RocksDB write call. The RocksDB limit (issue 22) writes")
			.append(" batches of C entries built before the run and times only the write call; it runs next to the mutex,")
			.append(" after it in odd runs and before it in even runs, after unrecorded warm-up passes of both. The")
			.append(" encode-in-loop contender fills each batch while timed, at the mutex's rounded mean batch of the run.")
			.append(" The hand-rolled get/check/put counts a conflict (not retried) when its key was written and not yet")
			.append(" flushed. `write us/batch` is the mean time of RocksDB's")
			.append(" write call per batch (the mutex's from its flush events), `reads/phase` the mutex's mean")
			.append(" reads per read phase. `lost` is successes minus the revisions found in the store after W2")
			.append(" (0 = no update lost), worst run shown.\n\n");
		out.append(pointsTable(summary)).append('\n');
		if (!jmh.isEmpty()) {
			out.append("## Single operation, one client (JMH, average time)\n\n");
			out.append("| benchmark | us/op | error (99.9%) |\n|---|---:|---:|\n");
			for (JmhScore score : jmh) {
				out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", score.benchmark(), score.score(),
						score.error()));
			}
			out.append('\n');
		}
		if (memory != null) {
			out.append(memorySection(memory)).append('\n');
		}
		if (!charts.isEmpty()) {
			out.append("## Charts\n\n");
			for (String chart : charts) {
				out.append("![").append(chart).append("](").append(chart).append(")\n\n");
			}
		}
		return out.toString();
	}

	static String targetsTable(List<Targets.Target> targets) {
		StringBuilder out = new StringBuilder("## Targets (issues 6 and 13)\n\n");
		out.append("| target | goal | median | spread (runs) | verdict | note |\n|---|---|---:|---|---|---|\n");
		for (Targets.Target target : targets) {
			out.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f - %.2f | %s | %s |%n", target.name(),
					target.goal(), target.median(), target.min(), target.max(), target.verdict(), target.note()));
		}
		return out.toString();
	}

	/**
	 * The table of every point (one row per workload, C and contender).
	 * @param summary the results
	 * @return a markdown table
	 */
	public static String pointsTable(Summary summary) {
		StringBuilder out = new StringBuilder();
		out.append("| workload | C | contender | ops/s | spread (low - high) | mean us | p50 us | p99 us | p99.9 us |")
			.append(" batch | write us/batch | reads/phase | conflicts | lost |\n");
		out.append("|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Summary.Row row : summary.rows()) {
			long lost = row.lostUpdates();
			out.append(String.format(Locale.ROOT, "| %s | %d | %s | %,.0f | %,.0f - %,.0f | %.1f | %.1f | %.1f | %.1f | %s | %s | %s | %,.0f | %s |%n",
					row.workload(), row.clients(), row.contender(), row.throughput(), row.minThroughput(),
					row.maxThroughput(), row.median(RunResult::meanMicros), row.median(RunResult::p50Micros),
					row.median(RunResult::p99Micros), row.median(RunResult::p999Micros),
					optional(row.median(RunResult::meanBatch)), optional(row.median(RunResult::meanBatchWriteMicros)),
					optional(row.median(RunResult::meanReadPhase)),
					row.median((result) -> result.conflicts()), (lost == -1) ? "" : Long.toString(lost)));
		}
		return out.toString();
	}

	private static String optional(double value) {
		return (value == 0) ? "" : String.format(Locale.ROOT, "%.1f", value);
	}

	static String memorySection(MemoryProbe.MemoryReport memory) {
		return String.format(Locale.ROOT, """
				## Memory

				- Idle mutexes: %,d mutexes created on one store retain %,.0f bytes of heap each (after GC); live \
				threads %d before, %d after (an idle mutex holds no thread).
				- Overload: %,d puts issued at once from one thread against a queue limit of %,d: %,d accepted, \
				%,d refused at the call with MutexOverloadedException, at most %,d seen queued. Heap after GC \
				%,.1f MiB before, %,.1f MiB retained after GC with the queue full, %,.1f MiB peak sampled \
				(garbage included), of a %,.0f MiB maximum heap: bounded by the queue limit, not by what is issued.
				""", memory.idleMutexes(), memory.bytesPerIdleMutex(), memory.threadsBefore(), memory.threadsAfter(),
				memory.issued(), memory.queueLimit(), memory.accepted(), memory.rejected(), memory.maxQueued(),
				mib(memory.baselineHeap()), mib(memory.retainedWhenFull()), mib(memory.peakHeap()),
				mib(memory.maxHeap()));
	}

	private static double mib(long bytes) {
		return bytes / 1024.0 / 1024.0;
	}

}
