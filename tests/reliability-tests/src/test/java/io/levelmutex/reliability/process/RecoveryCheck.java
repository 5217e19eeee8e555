package io.levelmutex.reliability.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.reliability.support.TestStores;

/**
 * Reopens a store a {@link DocumentWorkload} child left behind and compares it with what the
 * child acknowledged: every acknowledged write present (or, for a delete, absent), no value
 * corrupted, and every document unit all-or-nothing (document and sequence entry in a
 * one-to-one match, the document count equal to the number of documents).
 */
final class RecoveryCheck {

	/** Acknowledged writes found missing (or, for deletes, still present). */
	final List<String> lost = new ArrayList<>();

	/** Broken invariants: a corrupt value or a unit applied in part. */
	final List<String> violations = new ArrayList<>();

	/** Acknowledged writes checked. */
	long checked;

	/** Writes found applied although their acknowledgement never arrived. */
	long appliedNotAcknowledged;

	/** Documents found. */
	long documents;

	private RecoveryCheck() {
	}

	static RecoveryCheck run(Path dir, AckLog acks) throws Exception {
		RecoveryCheck check = new RecoveryCheck();
		try (MutexStore store = TestStores.open(dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store, DocumentWorkload.options());
			check.checkPuts(mutex, acks);
			check.checkUnits(mutex, acks);
		}
		return check;
	}

	private void checkPuts(Mutex<String, String> mutex, AckLog acks) throws Exception {
		Map<String, Optional<String>> stored = getAll(mutex, acks.puts.keySet());
		acks.puts.forEach((key, expected) -> {
			this.checked++;
			Optional<String> actual = stored.get(key);
			if (actual.isEmpty() && acks.pendingDeletes.contains(key)) {
				this.appliedNotAcknowledged++;
			}
			else if (actual.isEmpty()) {
				this.lost.add("acknowledged put " + key + " is missing");
			}
			else if (!actual.get().equals(expected)) {
				this.violations.add("acknowledged put " + key + " has a corrupt value of " + actual.get().length() + " chars");
			}
		});
		getAll(mutex, acks.deletes).forEach((key, actual) -> {
			this.checked++;
			if (actual.isPresent()) {
				this.lost.add("acknowledged delete of " + key + " is undone");
			}
		});
		for (Entry<String, String> entry : scan(mutex, "kv/", "kv0")) {
			String[] parts = entry.key().split("/");
			String expected = DocumentWorkload.kvValue(parts[1], Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
			if (!entry.value().equals(expected)) {
				this.violations.add("stored put " + entry.key() + " has a corrupt value");
			}
			if (!acks.puts.containsKey(entry.key())) {
				this.appliedNotAcknowledged++;
			}
		}
	}

	private void checkUnits(Mutex<String, String> mutex, AckLog acks) throws Exception {
		Map<String, String[]> docs = new HashMap<>();
		for (Entry<String, String> entry : scan(mutex, "doc/", "doc0")) {
			String id = entry.key().substring("doc/".length());
			String[] parts = entry.value().split(" ");
			if (parts.length != 3 || !parts[2].equals(id)) {
				this.violations.add("document " + id + " has a corrupt value " + entry.value());
				continue;
			}
			docs.put(id, parts);
		}
		this.documents = docs.size();
		Map<Long, String[]> seqs = new HashMap<>();
		for (Entry<String, String> entry : scan(mutex, DocumentWorkload.SEQ_START, DocumentWorkload.SEQ_END)) {
			seqs.put(Long.parseLong(entry.key().substring(DocumentWorkload.SEQ_START.length())),
					entry.value().split(" "));
		}
		docs.forEach((id, parts) -> {
			String[] seqEntry = seqs.get(Long.parseLong(parts[1]));
			if (seqEntry == null || !seqEntry[0].equals(id) || !seqEntry[1].equals(parts[0])) {
				this.violations.add("document " + id + " rev " + parts[0] + " has no matching sequence entry " + parts[1]);
			}
		});
		seqs.forEach((seq, parts) -> {
			String[] doc = docs.get(parts[0]);
			if (doc == null || !doc[1].equals(Long.toString(seq))) {
				this.violations.add("sequence entry " + seq + " points to " + parts[0] + " rev " + parts[1]
						+ " which is not that document's latest write");
			}
		});
		long count = getAll(mutex, List.of(DocumentWorkload.DOC_COUNT)).get(DocumentWorkload.DOC_COUNT)
			.map(Long::parseLong)
			.orElse(0L);
		if (count != docs.size()) {
			this.violations.add("document count is " + count + " but " + docs.size() + " documents are stored");
		}
		acks.docRevisions.forEach((id, rev) -> {
			this.checked++;
			String[] doc = docs.get(id);
			long stored = (doc != null) ? Long.parseLong(doc[0]) : 0;
			if (stored < rev) {
				this.lost.add("document " + id + " acknowledged at rev " + rev + " is at rev " + stored);
			}
			else if (stored > rev + acks.runs) {
				this.violations.add("document " + id + " acknowledged at rev " + rev + " is at rev " + stored
						+ " although its client had at most one write in flight in each of " + acks.runs + " runs");
			}
			else if (stored > rev) {
				this.appliedNotAcknowledged++;
			}
		});
		long highest = seqs.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
		if (highest < acks.highestSeq) {
			this.lost.add("highest sequence " + highest + " is below the acknowledged " + acks.highestSeq);
		}
	}

	private static Map<String, Optional<String>> getAll(Mutex<String, String> mutex, Iterable<String> keys)
			throws Exception {
		Map<String, Optional<String>> result = new HashMap<>();
		Map<String, CompletableFuture<Optional<String>>> pending = new HashMap<>();
		for (String key : keys) {
			pending.put(key, mutex.get(key));
			if (pending.size() == 4096) {
				collect(pending, result);
			}
		}
		collect(pending, result);
		return result;
	}

	private static void collect(Map<String, CompletableFuture<Optional<String>>> pending,
			Map<String, Optional<String>> result) throws Exception {
		for (Map.Entry<String, CompletableFuture<Optional<String>>> entry : pending.entrySet()) {
			result.put(entry.getKey(), entry.getValue().get(60, TimeUnit.SECONDS));
		}
		pending.clear();
	}

	/** Every entry with a key in {@code [start, end)}, read one peek at a time. */
	static List<Entry<String, String>> scan(Mutex<String, String> mutex, String start, String end) throws Exception {
		List<Entry<String, String>> entries = new ArrayList<>();
		KeyRange<String> range = KeyRange.closedOpen(start, end);
		while (true) {
			Optional<Entry<String, String>> next = mutex.peekFirst(range).get(60, TimeUnit.SECONDS);
			if (next.isEmpty()) {
				return entries;
			}
			entries.add(next.get());
			range = range.withStart(next.get().key(), false);
		}
	}

}
