package io.levelmutex.reliability.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link CounterClients} reported, from their complete lines (a child JVM's output or a
 * list in this JVM), and the check of a keyspace's final state against it.
 */
final class CounterLog {

	/** Acknowledged increments: marker key to the counter it incremented. */
	final Map<String, String> acknowledged = new HashMap<>();

	/** Increments refused with a conflict or failed typed before or at the commit: their markers must be absent. */
	final Set<String> notApplied = new HashSet<>();

	/** Increments whose outcome is unknown: their markers may be there or not. */
	final Set<String> unknown = new HashSet<>();

	/** The highest resolved increment of each client: {@code node run client} to n. */
	final Map<String, Long> lastResolved = new HashMap<>();

	/** Lines that report a defect: a raw (untyped) failure or a hang. */
	final List<String> defects = new ArrayList<>();

	/** Typed failures other than conflicts, as lines. */
	final List<String> typedFailures = new ArrayList<>();

	long conflicts;

	CounterLog add(List<String> lines) {
		for (String line : lines) {
			String[] parts = line.split(" ", 7);
			if (parts.length < 5) {
				continue;
			}
			String kind = parts[0];
			if (!Set.of("ACK", "CONFLICT", "UNKNOWN", "FAILED", "RAW", "HANG").contains(kind)) {
				continue;
			}
			String client = parts[1] + " " + parts[2] + " " + parts[3];
			long n = Long.parseLong(parts[4]);
			String marker = Counters.markerKey(parts[1], parts[2], Integer.parseInt(parts[3]), n);
			this.lastResolved.merge(client, n, Math::max);
			switch (kind) {
				case "ACK" -> this.acknowledged.put(marker, parts[5]);
				case "CONFLICT" -> {
					this.conflicts++;
					this.notApplied.add(marker);
				}
				case "FAILED" -> {
					this.typedFailures.add(line);
					this.notApplied.add(marker);
				}
				case "UNKNOWN" -> {
					this.typedFailures.add(line);
					this.unknown.add(marker);
				}
				default -> this.defects.add(line);
			}
		}
		return this;
	}

	/**
	 * Checks a final state against what was reported.
	 * @param state the keyspace's final state
	 * @param cutRuns runs ({@code "<node> <run>"}) that died (SIGKILL) or whose clients were still running:
	 * each of their clients may have one increment applied but never reported, the one after its last reported
	 * @return the verdict
	 */
	Verdict check(Counters.State state, Set<String> cutRuns) {
		List<String> violations = new ArrayList<>();
		state.mismatches().forEach((counter, what) -> violations.add("counter " + counter + " torn or lost: " + what));
		state.others().keySet().forEach((key) -> violations.add("key nobody wrote: " + key));
		long lost = 0;
		for (Map.Entry<String, String> ack : this.acknowledged.entrySet()) {
			String counter = state.markers().get(ack.getKey());
			if (counter == null) {
				lost++;
				violations.add("acknowledged increment lost: " + ack.getKey());
			}
			else if (!counter.equals(ack.getValue())) {
				violations.add("marker " + ack.getKey() + " names " + counter + ", acknowledged for " + ack.getValue());
			}
		}
		long unknownApplied = 0;
		long appliedNotReported = 0;
		for (String marker : state.markers().keySet()) {
			if (this.acknowledged.containsKey(marker)) {
				continue;
			}
			if (this.notApplied.contains(marker)) {
				violations.add("increment reported as not applied is there: " + marker);
				continue;
			}
			if (this.unknown.contains(marker)) {
				unknownApplied++;
				continue;
			}
			String[] parts = marker.split("/");
			String client = parts[1] + " " + parts[2] + " " + parts[3];
			long n = Long.parseLong(parts[4]);
			long next = this.lastResolved.getOrDefault(client, -1L) + 1;
			if (cutRuns.contains(parts[1] + " " + parts[2]) && n == next) {
				appliedNotReported++;
			}
			else {
				violations.add("marker of an increment never issued or never reported: " + marker);
			}
		}
		return new Verdict(violations, lost, unknownApplied, appliedNotReported, state.total());
	}

	/**
	 * The outcome of {@link #check}.
	 * @param violations what is wrong (empty when nothing is)
	 * @param lost acknowledged increments missing
	 * @param unknownApplied increments of unknown outcome found applied
	 * @param appliedNotReported increments in flight when their run was cut, found applied
	 * @param total the sum of the counters
	 */
	record Verdict(List<String> violations, long lost, long unknownApplied, long appliedNotReported, long total) {
	}

}
