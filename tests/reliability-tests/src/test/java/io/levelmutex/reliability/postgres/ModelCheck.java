package io.levelmutex.reliability.postgres;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The cluster model's verdict, from what the clients saw ({@link ModelOp}s), what each node's mutexes were told
 * ({@link DeliveryRecorder}s), the keyspaces' batch logs and their final contents:
 * <ul>
 * <li>every operation completed exactly once, never with a raw (untyped) failure;</li>
 * <li>every keyspace's sequences are gapless (the batch log holds 1 to its sequence);</li>
 * <li>no update lost across nodes: every counter equals the markers naming it, acknowledged increments of a counter
 * returned distinct values; every log (appends through {@code peekLast}) is 1 to n without a hole, each acknowledged
 * append at the index it returned;</li>
 * <li>what was applied is what the outcomes say: acknowledged writes are there, writes that failed typed are not,
 * and a write whose outcome was unknown is there exactly when the batch log holds its batch (untruncated: when a
 * rejected update truncated it, either);</li>
 * <li>remote changes: every node's mutex was told of every sequence of its keyspace exactly once, either as its own
 * ({@code onFlushed}: exactly those the batch log names it for, less the batches it was told were of unknown
 * outcome, which the batch log then names it for) or as another node's ({@code onRemoteChange}: exactly the
 * others').</li>
 * </ul>
 */
final class ModelCheck {

	/** Whether a write was applied, as far as its outcome and the batch log tell. */
	enum Applied {
		YES, NO, EITHER
	}

	private final Collection<ModelOp> ops;

	/** Per node, per mutex. */
	private final List<Map<String, DeliveryRecorder>> recorders;

	private final Map<String, BatchLog.Rows> logs;

	private final Map<String, Map<String, String>> contents;

	private final List<String> violations = new ArrayList<>();

	ModelCheck(Collection<ModelOp> ops, List<Map<String, DeliveryRecorder>> recorders, Map<String, BatchLog.Rows> logs,
			Map<String, Map<String, String>> contents) {
		this.ops = ops;
		this.recorders = recorders;
		this.logs = logs;
		this.contents = contents;
	}

	List<String> check() {
		checkCompletions();
		Map<Integer, UUID> nodeIds = nodeIds();
		for (String mutex : this.logs.keySet()) {
			checkGapless(mutex);
			checkCounters(mutex);
			checkLogs(mutex);
			checkKeys(mutex);
			for (int node = 0; node < this.recorders.size(); node++) {
				checkDeliveries(mutex, node, nodeIds.get(node));
			}
		}
		return this.violations;
	}

	private void checkCompletions() {
		for (ModelOp op : this.ops) {
			if (op.completions.get() != 1) {
				this.violations.add("completed " + op.completions.get() + " times: " + op);
			}
			if (op.outcome == null) {
				this.violations.add("no outcome: " + op);
			}
			else if (op.outcome == ModelOp.Outcome.RAW) {
				this.violations.add("untyped failure: " + op);
			}
			else if (op.outcome == ModelOp.Outcome.UNKNOWN && op.unknownBatch == null) {
				this.violations.add("outcome unknown without a batch id in its message: " + op);
			}
		}
	}

	/** Each node's id in the batch log, from the sequences its own flushed events reported. */
	private Map<Integer, UUID> nodeIds() {
		Map<Integer, UUID> ids = new HashMap<>();
		for (int node = 0; node < this.recorders.size(); node++) {
			Set<UUID> seen = new HashSet<>();
			for (Map.Entry<String, DeliveryRecorder> mutex : this.recorders.get(node).entrySet()) {
				BatchLog.Rows log = this.logs.get(mutex.getKey());
				for (long sequence : mutex.getValue().own()) {
					BatchLog.Row row = log.bySequence().get(sequence);
					if (row == null) {
						this.violations.add("node " + node + " reported own batch " + sequence + " of " + mutex.getKey()
								+ ", which the batch log does not hold");
					}
					else {
						seen.add(row.nodeId());
					}
				}
			}
			if (seen.size() != 1) {
				this.violations.add("node " + node + "'s own batches carry node ids " + seen + " in the batch log");
			}
			else {
				ids.put(node, seen.iterator().next());
			}
		}
		if (new HashSet<>(ids.values()).size() != ids.size()) {
			this.violations.add("nodes share a node id: " + ids);
		}
		return ids;
	}

	private void checkGapless(String mutex) {
		BatchLog.Log log = this.logs.get(mutex).log();
		if (!log.logged().equals(log.expected())) {
			this.violations.add(mutex + ": batch log not gapless above horizon " + log.horizon() + " up to "
					+ log.sequence() + ": " + summary(log.logged()));
		}
	}

	private void checkCounters(String mutex) {
		Map<String, String> contents = this.contents.get(mutex);
		Map<String, Long> markers = new TreeMap<>();
		contents.forEach((key, value) -> {
			if (key.startsWith("m/")) {
				markers.merge(value, 1L, Long::sum);
			}
		});
		Set<String> counters = new TreeSet<>(markers.keySet());
		contents.keySet().stream().filter((key) -> key.startsWith("c/")).forEach(counters::add);
		for (String counter : counters) {
			long value = Long.parseLong(contents.getOrDefault(counter, "0"));
			if (value != markers.getOrDefault(counter, 0L)) {
				this.violations.add(mutex + ": counter " + counter + " is " + value + " but " + markers.getOrDefault(counter, 0L)
						+ " markers name it (a lost update or a torn unit)");
			}
		}
		Map<String, Set<String>> acknowledged = new HashMap<>();
		for (ModelOp op : ops(mutex, ModelOp.Kind.INCREMENT)) {
			check(mutex, op, contents.containsKey("m/" + op.id), "its marker");
			if (op.outcome == ModelOp.Outcome.ACK) {
				long value = Long.parseLong(String.valueOf(op.result));
				if (!acknowledged.computeIfAbsent(op.key, (key) -> new HashSet<>()).add(op.result)) {
					this.violations.add(mutex + ": two acknowledged increments of " + op.key + " returned " + value);
				}
				if (value > Long.parseLong(contents.getOrDefault(op.key, "0"))) {
					this.violations.add(mutex + ": acknowledged " + op + " above the final counter");
				}
			}
		}
	}

	/** Logs appended to through {@code peekLast}: 1 to n, each acknowledged append at the index it returned. */
	private void checkLogs(String mutex) {
		Map<String, String> contents = this.contents.get(mutex);
		Map<String, TreeMap<Integer, String>> logs = new TreeMap<>();
		contents.forEach((key, value) -> {
			if (key.startsWith("l/")) {
				int slash = key.indexOf('/', 2);
				logs.computeIfAbsent(key.substring(0, slash + 1), (prefix) -> new TreeMap<>())
					.put(Integer.parseInt(key.substring(slash + 1)), value);
			}
		});
		Map<String, String> where = new HashMap<>();
		logs.forEach((prefix, entries) -> {
			int expected = 1;
			for (Map.Entry<Integer, String> entry : entries.entrySet()) {
				if (entry.getKey() != expected) {
					this.violations.add(mutex + ": log " + prefix + " has index " + entry.getKey() + " where " + expected
							+ " belongs");
				}
				expected = entry.getKey() + 1;
				String previous = where.put(entry.getValue(), prefix + entry.getKey());
				if (previous != null) {
					this.violations.add(mutex + ": " + entry.getValue() + " appended twice, at " + previous + " and "
							+ prefix + entry.getKey());
				}
			}
		});
		// Entries popped (deleted through peekLast) by pops that were, or may have been, applied.
		Map<String, ModelOp> poppedBy = new HashMap<>();
		for (ModelOp pop : ops(mutex, ModelOp.Kind.POP)) {
			Applied applied = applied(mutex, pop);
			if (applied == Applied.NO || pop.outcome != ModelOp.Outcome.ACK) {
				continue; // a pop not acknowledged names nothing: any append may have been its victim (below)
			}
			if (pop.result == null || pop.result.isEmpty()) {
				continue;
			}
			String id = pop.result.substring(pop.result.indexOf(':') + 1);
			ModelOp previous = poppedBy.put(id, pop);
			if (previous != null) {
				this.violations.add(mutex + ": " + id + " popped twice, by " + previous + " and " + pop);
			}
			if (where.containsKey(id)) {
				this.violations.add(mutex + ": " + id + " still there after " + pop);
			}
		}
		// A pop applied without the caller seeing its result removed one entry nobody can name: one excuse each.
		long unnamedPops = ops(mutex, ModelOp.Kind.POP).stream()
			.filter((pop) -> pop.outcome != ModelOp.Outcome.ACK && applied(mutex, pop) != Applied.NO)
			.count();
		Set<String> appends = new HashSet<>();
		Map<String, ModelOp> appendById = new HashMap<>();
		for (ModelOp op : ops(mutex, ModelOp.Kind.APPEND)) {
			appends.add(op.id);
			appendById.put(op.id, op);
			boolean present = where.containsKey(op.id);
			if (!present && poppedBy.containsKey(op.id)) {
				continue; // removed by a pop
			}
			if (!present && unnamedPops > 0 && applied(mutex, op) != Applied.NO) {
				unnamedPops--;
				continue; // perhaps removed by a pop whose result its caller did not see
			}
			check(mutex, op, present, "its log entry");
			if (op.outcome == ModelOp.Outcome.ACK && present) {
				String at = op.key + op.result;
				if (!at.equals(where.get(op.id))) {
					this.violations.add(mutex + ": acknowledged " + op + " is at " + where.get(op.id));
				}
			}
		}
		poppedBy.forEach((id, pop) -> {
			ModelOp append = appendById.get(id);
			if (append == null || applied(mutex, append) == Applied.NO) {
				this.violations.add(mutex + ": " + pop + " removed " + id + ", which no applied append wrote");
			}
			else if (append.outcome == ModelOp.Outcome.ACK
					&& !pop.result.equals(append.result + ":" + append.id)) {
				this.violations.add(mutex + ": " + pop + " removed " + id + " from another index than " + append);
			}
		});
		where.keySet().stream().filter((id) -> !appends.contains(id))
			.forEach((id) -> this.violations.add(mutex + ": a log entry " + id + " that no append wrote"));
	}

	/** Puts of keys of their own and deletes of acknowledged ones. */
	private void checkKeys(String mutex) {
		Map<String, String> contents = this.contents.get(mutex);
		Map<String, List<ModelOp>> byKey = new TreeMap<>();
		for (ModelOp op : this.ops) {
			if (op.mutex.equals(mutex) && (op.kind == ModelOp.Kind.PUT || op.kind == ModelOp.Kind.DEL)) {
				byKey.computeIfAbsent(op.key, (key) -> new ArrayList<>()).add(op);
			}
		}
		byKey.forEach((key, keyOps) -> {
			ModelOp put = keyOps.get(0);
			Applied expected = applied(mutex, put);
			if (keyOps.size() > 1) {
				Applied deleted = applied(mutex, keyOps.get(1));
				expected = (deleted == Applied.YES) ? Applied.NO : (deleted == Applied.EITHER) ? Applied.EITHER : expected;
			}
			String value = contents.get(key);
			if (value != null && !value.equals(put.id)) {
				this.violations.add(mutex + ": key " + key + " holds " + value + ", not " + put.id);
			}
			if ((expected == Applied.YES && value == null) || (expected == Applied.NO && value != null)) {
				this.violations.add(mutex + ": key " + key + " is " + ((value == null) ? "absent" : "present")
						+ " after " + keyOps);
			}
		});
		contents.keySet().stream().filter((key) -> key.startsWith("p/") && !byKey.containsKey(key))
			.forEach((key) -> this.violations.add(mutex + ": key " + key + " that no put wrote"));
	}

	private void check(String mutex, ModelOp op, boolean present, String what) {
		Applied applied = applied(mutex, op);
		if ((applied == Applied.YES && !present) || (applied == Applied.NO && present)) {
			this.violations.add(mutex + ": " + what + " is " + (present ? "present" : "absent") + " after " + op
					+ (op.outcome == ModelOp.Outcome.UNKNOWN ? " (batch log: " + this.logs.get(mutex).find(op.unknownBatch)
							+ ")" : ""));
		}
	}

	/** What an operation's outcome says of its write; for an unknown outcome, what the batch log says. */
	Applied applied(String mutex, ModelOp op) {
		ModelOp.Outcome outcome = op.outcome;
		if (outcome == null || outcome == ModelOp.Outcome.RAW) {
			return Applied.EITHER; // reported by checkCompletions
		}
		return switch (outcome) {
			case ACK -> Applied.YES;
			case CONFLICT, NOT_APPLIED -> Applied.NO;
			case UNKNOWN -> {
				BatchLog.Row row = (op.unknownBatch == null) ? null : this.logs.get(mutex).find(op.unknownBatch);
				if (op.unknownBatch == null) {
					yield Applied.EITHER;
				}
				yield (row == null) ? Applied.NO : (row.rejectedUnit() < 0) ? Applied.YES : Applied.EITHER;
			}
			case RAW -> Applied.EITHER;
		};
	}

	/**
	 * A node's mutex was told of every sequence of its keyspace once: its own as the batch log names them (less those
	 * of batches whose outcome it was told is unknown), the others' as remote changes.
	 */
	private void checkDeliveries(String mutex, int node, @Nullable UUID nodeId) {
		DeliveryRecorder recorder = this.recorders.get(node).get(mutex);
		this.violations.addAll(recorder.violations());
		if (nodeId == null) {
			return; // reported by nodeIds
		}
		BatchLog.Rows log = this.logs.get(mutex);
		Set<Long> ownInLog = new TreeSet<>();
		Set<Long> othersInLog = new TreeSet<>();
		log.bySequence().forEach((sequence, row) -> (row.nodeId().equals(nodeId) ? ownInLog : othersInLog).add(sequence));
		Set<Long> unknownInLog = new TreeSet<>();
		for (UUID batch : recorder.unknownBatches()) {
			BatchLog.Row row = log.find(batch);
			if (row != null) {
				unknownInLog.add(row.sequence());
			}
		}
		Set<Long> reported = recorder.own();
		Set<Long> expectedOwn = new TreeSet<>(ownInLog);
		expectedOwn.removeAll(unknownInLog);
		if (!reported.equals(expectedOwn)) {
			this.violations.add(mutex + " on node " + node + ": own batches reported " + difference(reported, expectedOwn)
					+ " (the batch log's less those of unknown outcome: " + summary(expectedOwn) + ")");
		}
		TreeMap<Long, Integer> delivered = recorder.delivered();
		delivered.forEach((sequence, times) -> {
			if (times != 1) {
				this.violations.add(mutex + " on node " + node + ": remote sequence " + sequence + " delivered " + times
						+ " times");
			}
		});
		if (!delivered.keySet().equals(othersInLog)) {
			this.violations.add(mutex + " on node " + node + ": remote sequences delivered "
					+ difference(delivered.keySet(), othersInLog) + " (other nodes' batches: " + summary(othersInLog) + ")");
		}
	}

	private List<ModelOp> ops(String mutex, ModelOp.Kind kind) {
		return this.ops.stream().filter((op) -> op.mutex.equals(mutex) && op.kind == kind).toList();
	}

	/** What is missing and what is extra, against the expected set. */
	private static String difference(Set<Long> actual, Set<Long> expected) {
		Set<Long> missing = new TreeSet<>(expected);
		missing.removeAll(actual);
		Set<Long> extra = new TreeSet<>(actual);
		extra.removeAll(expected);
		return "missing " + summary(missing) + ", extra " + summary(extra);
	}

	private static String summary(Collection<Long> sequences) {
		if (sequences.size() <= 20) {
			return sequences.toString();
		}
		return sequences.stream().limit(20).map(String::valueOf).collect(Collectors.joining(", ", "[", ", ... ("
				+ sequences.size() + ")]"));
	}

}
