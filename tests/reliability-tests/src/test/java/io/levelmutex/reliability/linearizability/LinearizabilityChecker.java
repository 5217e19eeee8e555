package io.levelmutex.reliability.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a history of completed operations is linearizable with respect to
 * {@link KeyValueModel}: the Wing and Gong search with Lowe's memoisation of (linearized set,
 * state) pairs, as in Porcupine and Knossos. Linearizability is local, so a history of
 * single-key operations is checked one key at a time; a history with multi-key operations is
 * checked whole.
 */
public final class LinearizabilityChecker {

	private LinearizabilityChecker() {
	}

	/**
	 * Checks a history.
	 * @param history completed operations
	 * @return empty if linearizable, otherwise a description of the part that is not
	 */
	public static Optional<String> check(List<Op> history) {
		if (history.stream().allMatch(Op::singleKey)) {
			Map<String, List<Op>> perKey = new LinkedHashMap<>();
			for (Op op : history) {
				perKey.computeIfAbsent(op.keys().get(0), (key) -> new ArrayList<>()).add(op);
			}
			for (Map.Entry<String, List<Op>> part : perKey.entrySet()) {
				if (!linearizable(part.getValue())) {
					return Optional.of("history of key " + part.getKey() + " is not linearizable: "
							+ describe(part.getValue()));
				}
			}
			return Optional.empty();
		}
		return linearizable(history) ? Optional.empty()
				: Optional.of("history is not linearizable: " + describe(history));
	}

	private static String describe(List<Op> ops) {
		List<Op> sorted = new ArrayList<>(ops);
		sorted.sort(Comparator.comparingLong(Op::invoked));
		StringBuilder out = new StringBuilder();
		sorted.stream().limit(60).forEach((op) -> out.append("\n  ").append(op));
		if (sorted.size() > 60) {
			out.append("\n  ... ").append(sorted.size() - 60).append(" more");
		}
		return out.toString();
	}

	private static boolean linearizable(List<Op> input) {
		int n = input.size();
		List<Op> ops = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			ops.add(input.get(i).withId(i));
		}
		// Events: call and return of each operation, by time; calls first on equal times.
		List<Node> events = new ArrayList<>(2 * n);
		for (Op op : ops) {
			Node call = new Node(op, op.invoked(), true);
			Node ret = new Node(op, op.completed(), false);
			call.match = ret;
			events.add(call);
			events.add(ret);
		}
		events.sort(Comparator.comparingLong((Node node) -> node.time).thenComparing((node) -> !node.call));
		Node head = new Node(null, Long.MIN_VALUE, false);
		Node previous = head;
		for (Node event : events) {
			previous.next = event;
			event.prev = previous;
			previous = event;
		}
		Map<String, String> state = KeyValueModel.initial();
		BitSet linearized = new BitSet(n);
		Set<CacheEntry> cache = new HashSet<>();
		Deque<Frame> calls = new ArrayDeque<>();
		Node entry = head.next;
		while (head.next != null) {
			if (entry.call) {
				Map<String, String> next = KeyValueModel.step(state, entry.op);
				boolean moved = false;
				if (next != null) {
					BitSet candidate = (BitSet) linearized.clone();
					candidate.set(entry.op.id());
					if (cache.add(new CacheEntry(candidate, next))) {
						calls.push(new Frame(entry, state));
						state = next;
						linearized.set(entry.op.id());
						lift(entry);
						entry = head.next;
						moved = true;
					}
				}
				if (!moved) {
					entry = entry.next;
				}
			}
			else {
				if (calls.isEmpty()) {
					return false;
				}
				Frame top = calls.pop();
				entry = top.entry;
				state = top.state;
				linearized.clear(entry.op.id());
				unlift(entry);
				entry = entry.next;
			}
		}
		return true;
	}

	private static void lift(Node entry) {
		entry.prev.next = entry.next;
		entry.next.prev = entry.prev;
		Node match = entry.match;
		match.prev.next = match.next;
		if (match.next != null) {
			match.next.prev = match.prev;
		}
	}

	private static void unlift(Node entry) {
		Node match = entry.match;
		match.prev.next = match;
		if (match.next != null) {
			match.next.prev = match;
		}
		entry.prev.next = entry;
		entry.next.prev = entry;
	}

	private static final class Node {

		final Op op;

		final long time;

		final boolean call;

		Node match;

		Node prev;

		Node next;

		Node(Op op, long time, boolean call) {
			this.op = op;
			this.time = time;
			this.call = call;
		}

	}

	private record Frame(Node entry, Map<String, String> state) {
	}

	private record CacheEntry(BitSet linearized, Map<String, String> state) {
	}

}
