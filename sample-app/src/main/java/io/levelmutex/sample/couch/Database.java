package io.levelmutex.sample.couch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.levelmutex.Entry;
import io.levelmutex.Mutex;
import io.levelmutex.UpdateContext;
import org.jspecify.annotations.Nullable;

/**
 * One incarnation of a CouchDB database on its own mutex: documents, counters and the
 * changes feed, all in the mutex's keyspace under the incarnation's {@link DatabaseKeys}.
 *
 * <p>Every write goes through one {@link Mutex#update conditional write}: the revision
 * check, the document, its change entry (replacing the document's previous one) and the
 * counters are decided on one snapshot and committed in one batch, or not at all. Updates of
 * one read phase run one after the other, each seeing the writes of the previous ones, so
 * two writers holding the same revision get one success and one conflict. Instances are
 * immutable and thread-safe.
 */
final class Database {

	private final String name;

	private final Mutex<byte[], byte[]> mutex;

	private final DatabaseKeys keys;

	private final int scanChunk;

	/** How many times a write runs at most when another node's write got in first. */
	private final int updateAttempts;

	Database(String name, long instance, Mutex<byte[], byte[]> mutex, int scanChunk, int updateAttempts) {
		this.name = name;
		this.mutex = mutex;
		this.keys = new DatabaseKeys(instance);
		this.scanChunk = scanChunk;
		this.updateAttempts = updateAttempts;
	}

	String name() {
		return this.name;
	}

	String mutexName() {
		return this.mutex.name();
	}

	/** The counters and {@code update_seq}, read on one snapshot. */
	CompletableFuture<DatabaseInfo> info() {
		return this.mutex.update((context) -> {
			DatabaseCounts counts = counts(context);
			return new DatabaseInfo(counts.docCount(), counts.deletedCount(), lastSequence(context));
		}, this.updateAttempts);
	}

	/** A document's latest revision, tombstones included. */
	CompletableFuture<Optional<DocumentRecord>> get(String id) {
		return this.mutex.get(this.keys.document(id)).thenApply((value) -> value.map(DocumentRecord::decode));
	}

	/**
	 * Writes documents in one batch: each write is checked against the revision stored (or
	 * written by an earlier write of the same call) and either written or refused on its own.
	 * @return one outcome per write, in order
	 */
	CompletableFuture<List<WriteOutcome>> write(List<DocumentWrite> writes) {
		return this.mutex.update((context) -> applyWrites(context, writes), this.updateAttempts);
	}

	private List<WriteOutcome> applyWrites(UpdateContext<byte[], byte[]> context, List<DocumentWrite> writes) {
		Map<String, Optional<DocumentRecord>> written = new HashMap<>();
		DatabaseCounts initialCounts = counts(context);
		DatabaseCounts counts = initialCounts;
		long seq = lastSequence(context);
		List<WriteOutcome> outcomes = new ArrayList<>(writes.size());
		for (DocumentWrite write : writes) {
			String id = write.id();
			byte[] key = this.keys.document(id);
			Optional<DocumentRecord> stored = written.get(id);
			DocumentRecord current = (stored != null) ? stored.orElse(null)
					: context.get(key).map(DocumentRecord::decode).orElse(null);
			CouchException refusal = refusal(current, write);
			if (refusal != null) {
				outcomes.add(WriteOutcome.refused(id, refusal));
				continue;
			}
			if (DocumentIds.isLocal(id)) {
				String rev = "0-" + ((current != null) ? Revisions.localCounter(current.rev()) + 1 : 1);
				if (write.deleted()) {
					context.del(key);
					written.put(id, Optional.empty());
				}
				else {
					DocumentRecord record = new DocumentRecord(rev, 0, false, write.body());
					context.put(key, record.encode());
					written.put(id, Optional.of(record));
				}
				outcomes.add(WriteOutcome.written(id, rev));
				continue;
			}
			seq++;
			int generation = (current != null) ? current.generation() + 1 : 1;
			DocumentRecord record = new DocumentRecord(generation + "-" + write.hash(), seq, write.deleted(),
					write.body());
			context.put(key, record.encode());
			if (current != null) {
				context.del(this.keys.sequence(current.seq()));
			}
			context.put(this.keys.sequence(seq), new ChangeRecord(id, record.rev(), write.deleted()).encode());
			counts = counts.replace(current, write.deleted());
			written.put(id, Optional.of(record));
			outcomes.add(WriteOutcome.written(id, record.rev()));
		}
		if (!counts.equals(initialCounts)) {
			context.put(this.keys.meta(), counts.encode());
		}
		return outcomes;
	}

	/**
	 * Why a write may not replace the current revision: CouchDB's rules. A new document
	 * takes no revision; a live one takes exactly its latest revision; a tombstone may be
	 * written over without a revision (the document is created again) or with its own.
	 */
	private static @Nullable CouchException refusal(@Nullable DocumentRecord current, DocumentWrite write) {
		if (current == null) {
			if (write.deleted()) {
				return CouchException.missing();
			}
			return (write.rev() != null) ? CouchException.conflict() : null;
		}
		if (current.deleted()) {
			if (write.rev() == null) {
				return write.deleted() ? CouchException.deleted() : null;
			}
			return write.rev().equals(current.rev()) ? null : CouchException.conflict();
		}
		return current.rev().equals(write.rev()) ? null : CouchException.conflict();
	}

	/**
	 * Documents in id order for {@code _all_docs}, tombstones skipped.
	 */
	CompletableFuture<List<AllDocsRow>> allDocs(AllDocsQuery query) {
		List<AllDocsRow> rows = new ArrayList<>();
		int[] toSkip = { query.skip() };
		String low = query.descending() ? query.endKey() : query.startKey();
		String high = query.descending() ? query.startKey() : query.endKey();
		boolean lowInclusive = !query.descending() || query.inclusiveEnd();
		boolean highInclusive = query.descending() || query.inclusiveEnd();
		if (query.limit() == 0) {
			return CompletableFuture.completedFuture(rows);
		}
		return RangeScan.scan(this.mutex, this.keys.documents(low, lowInclusive, high, highInclusive),
				query.descending(), this.scanChunk, this.updateAttempts, (context, entry) -> {
					DocumentRecord record = DocumentRecord.decode(entry.value());
					String id = this.keys.documentId(entry.key());
					return record.deleted() ? null
							: new AllDocsRow(id, record.rev(), query.includeDocs() ? record.toJsonString(id) : null);
				}, (row) -> {
					if (row == null) {
						return true;
					}
					if (toSkip[0] > 0) {
						toSkip[0]--;
						return true;
					}
					rows.add(row);
					return rows.size() < query.limit();
				})
			.thenApply((done) -> rows);
	}

	/**
	 * The latest revisions of given documents, read on one snapshot, for
	 * {@code POST _all_docs} with {@code keys}.
	 */
	CompletableFuture<List<Optional<DocumentRecord>>> getAll(List<String> ids) {
		return this.mutex.update((context) -> {
			List<Optional<DocumentRecord>> records = new ArrayList<>(ids.size());
			for (String id : ids) {
				records.add(context.get(this.keys.document(id)).map(DocumentRecord::decode));
			}
			return records;
		}, this.updateAttempts);
	}

	/**
	 * Changes after {@code since}, oldest first (newest first if {@code descending}, which
	 * ignores {@code since}), at most {@code limit}.
	 */
	CompletableFuture<ChangesPage> changes(long since, int limit, boolean includeDocs, boolean descending) {
		List<Change> results = new ArrayList<>();
		if (limit == 0) {
			return CompletableFuture.completedFuture(new ChangesPage(results, since, 0));
		}
		boolean[] more = { false };
		return RangeScan.scan(this.mutex,
				descending ? this.keys.allSequences() : this.keys.sequencesAfter(since), descending,
				this.scanChunk, this.updateAttempts, (context, entry) -> {
					ChangeRecord change = ChangeRecord.decode(entry.value());
					String doc = null;
					if (includeDocs) {
						doc = context.get(this.keys.document(change.id()))
							.map((value) -> DocumentRecord.decode(value).toJsonString(change.id()))
							.orElse(null);
					}
					return new Change(this.keys.sequenceOf(entry.key()), change.id(), change.rev(), change.deleted(),
							doc);
				}, (change) -> {
					if (results.size() == limit) {
						more[0] = true;
						return false;
					}
					results.add(change);
					return true;
				})
			.thenCompose((done) -> {
				long last = results.isEmpty() ? since : results.get(results.size() - 1).seq();
				if (!more[0] || descending) {
					return CompletableFuture.completedFuture(new ChangesPage(results, last, 0));
				}
				return updateSequence()
					.thenApply((updateSeq) -> new ChangesPage(results, last, Math.max(1, updateSeq - last)));
			});
	}

	/** The sequence of the latest change, 0 for an empty database. */
	CompletableFuture<Long> updateSequence() {
		return this.mutex.peekLast(this.keys.allSequences())
			.thenApply((entry) -> entry.map((e) -> this.keys.sequenceOf(e.key())).orElse(0L));
	}

	/**
	 * Deletes every key of this incarnation, a chunk per batch, until none is left.
	 * @return the number of keys deleted
	 */
	CompletableFuture<Long> purge() {
		return purgeFrom(0);
	}

	private CompletableFuture<Long> purgeFrom(long deletedSoFar) {
		return this.mutex.update((context) -> {
			int deleted = 0;
			var rest = this.keys.everything();
			while (deleted < this.scanChunk) {
				Optional<Entry<byte[], byte[]>> entry = context.peekFirst(rest);
				if (entry.isEmpty()) {
					break;
				}
				context.del(entry.get().key());
				deleted++;
				rest = rest.withStart(entry.get().key(), false);
			}
			return deleted;
		}, this.updateAttempts)
			.thenCompose((deleted) -> (deleted < this.scanChunk)
					? CompletableFuture.completedFuture(deletedSoFar + deleted) : purgeFrom(deletedSoFar + deleted));
	}

	private DatabaseCounts counts(UpdateContext<byte[], byte[]> context) {
		return context.get(this.keys.meta()).map(DatabaseCounts::decode).orElse(DatabaseCounts.EMPTY);
	}

	private long lastSequence(UpdateContext<byte[], byte[]> context) {
		return context.peekLast(this.keys.allSequences()).map((entry) -> this.keys.sequenceOf(entry.key())).orElse(0L);
	}

	/** The counters and {@code update_seq} of a database. */
	record DatabaseInfo(long docCount, long deletedCount, long updateSeq) {
	}

	/** One row of {@code _all_docs}. */
	record AllDocsRow(String id, String rev, @Nullable String doc) {
	}

	/** One entry of the changes feed. */
	record Change(long seq, String id, String rev, boolean deleted, @Nullable String doc) {
	}

	/**
	 * A page of the changes feed.
	 * @param pending 0 when the page reaches the end of the feed, otherwise an upper bound of
	 * the changes after it (the difference of sequences: a document's earlier changes are
	 * dropped from the feed, as in CouchDB)
	 */
	record ChangesPage(List<Change> results, long lastSeq, long pending) {
	}

	/** The parameters of {@code _all_docs}. */
	record AllDocsQuery(@Nullable String startKey, @Nullable String endKey, boolean inclusiveEnd, int limit, int skip,
			boolean descending, boolean includeDocs) {
	}

}
