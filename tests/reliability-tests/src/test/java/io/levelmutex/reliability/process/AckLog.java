package io.levelmutex.reliability.process;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link DocumentWorkload} child acknowledged, parsed from its complete output lines.
 */
final class AckLog {

	/** Plain puts acknowledged and not deleted by an acknowledged delete: key to value. */
	final Map<String, String> puts = new HashMap<>();

	/** Keys whose delete was acknowledged. */
	final Set<String> deletes = new HashSet<>();

	/** Keys whose delete was issued but not acknowledged: they may or may not be there. */
	final Set<String> pendingDeletes = new HashSet<>();

	/** Highest acknowledged revision of each document. */
	final Map<String, Long> docRevisions = new HashMap<>();

	/** Highest acknowledged sequence number. */
	long highestSeq;

	/** Every acknowledgement. */
	long acks;

	/** Child runs added: each client had at most one write in flight when each one died. */
	int runs;

	/** Lines reporting an unexpected failure inside the child. */
	final List<String> failures;

	private AckLog(List<String> failures) {
		this.failures = failures;
	}

	static AckLog parse(List<String> lines, String run) {
		return new AckLog(new java.util.ArrayList<>()).add(lines, run);
	}

	/** Adds what a later run on the same store acknowledged. */
	AckLog add(List<String> lines, String run) {
		AckLog log = this;
		log.runs++;
		lines.stream().filter((line) -> line.startsWith("FAIL ")).forEach(log.failures::add);
		for (String line : lines) {
			if (line.startsWith("DEL ")) {
				String[] parts = line.split(" ");
				log.pendingDeletes.add(DocumentWorkload.kvKey(run, Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
				continue;
			}
			if (!line.startsWith("ACK ")) {
				continue;
			}
			String[] parts = line.split(" ");
			int client = Integer.parseInt(parts[2]);
			int n = Integer.parseInt(parts[3]);
			log.acks++;
			switch (parts[1]) {
				case "P" -> log.puts.put(DocumentWorkload.kvKey(run, client, n), DocumentWorkload.kvValue(run, client, n));
				case "D" -> {
					String key = DocumentWorkload.kvKey(run, client, n);
					log.puts.remove(key);
					log.pendingDeletes.remove(key);
					log.deletes.add(key);
				}
				case "U" -> {
					log.docRevisions.merge(DocumentWorkload.docId(client, n), Long.parseLong(parts[4]), Math::max);
					log.highestSeq = Math.max(log.highestSeq, Long.parseLong(parts[5]));
				}
				default -> throw new IllegalStateException("Unexpected line " + line);
			}
		}
		return log;
	}

}
