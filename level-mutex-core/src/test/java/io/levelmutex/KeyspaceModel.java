package io.levelmutex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sequential model of one mutex's keyspace: a sorted map of ASCII string keys (whose
 * order equals RocksDB's unsigned byte order) with the README's range semantics: a range
 * whose start lies after its end, or an empty one, holds nothing. Owned by one thread.
 */
final class KeyspaceModel {

	private final TreeMap<String, String> entries;

	KeyspaceModel() {
		this(new TreeMap<>());
	}

	private KeyspaceModel(TreeMap<String, String> entries) {
		this.entries = entries;
	}

	KeyspaceModel copy() {
		return new KeyspaceModel(new TreeMap<>(this.entries));
	}

	Optional<String> get(String key) {
		return Optional.ofNullable(this.entries.get(key));
	}

	void apply(ModelWrite write) {
		if (write.put()) {
			this.entries.put(write.key(), write.value());
		}
		else {
			this.entries.remove(write.key());
		}
	}

	Optional<Entry<String, String>> peekFirst(KeyRange<String> range) {
		Map.Entry<String, String> first = view(range).firstEntry();
		return Optional.ofNullable(first).map((e) -> new Entry<>(e.getKey(), e.getValue()));
	}

	Optional<Entry<String, String>> peekLast(KeyRange<String> range) {
		Map.Entry<String, String> last = view(range).lastEntry();
		return Optional.ofNullable(last).map((e) -> new Entry<>(e.getKey(), e.getValue()));
	}

	List<Entry<String, String>> scan(KeyRange<String> range, int limit, boolean reverse) {
		NavigableMap<String, String> view = view(range);
		List<Entry<String, String>> result = new ArrayList<>();
		for (Map.Entry<String, String> e : (reverse ? view.descendingMap() : view).entrySet()) {
			if (result.size() == limit) {
				break;
			}
			result.add(new Entry<>(e.getKey(), e.getValue()));
		}
		return result;
	}

	Map<String, String> asMap() {
		return Collections.unmodifiableMap(this.entries);
	}

	/** The entries of a range; empty (never an exception) when the range is inverted or empty. */
	private NavigableMap<String, String> view(KeyRange<String> range) {
		String start = range.start();
		String end = range.end();
		if (start != null && end != null) {
			int order = start.compareTo(end);
			if (order > 0 || (order == 0 && !(range.startInclusive() && range.endInclusive()))) {
				return Collections.emptyNavigableMap();
			}
		}
		NavigableMap<String, String> view = this.entries;
		if (start != null) {
			view = view.tailMap(start, range.startInclusive());
		}
		if (end != null) {
			view = view.headMap(end, range.endInclusive());
		}
		return view;
	}

}
