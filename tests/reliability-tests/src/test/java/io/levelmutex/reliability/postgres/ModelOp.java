package io.levelmutex.reliability.postgres;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.LevelMutexException;
import io.levelmutex.WriteConflictException;

/**
 * One operation a {@link ModelClient} issued, and what became of it: its outcome as the caller saw it (set by the
 * client's thread once its wait returned) and how often its future completed (counted by a dependent action
 * registered when it was issued, on whichever thread completed it). Read by the test thread once the clients
 * stopped.
 */
final class ModelOp {

	enum Kind {

		/** {@code update()}: counter {@code c/<k>} to {@code v + 1} and marker {@code m/<id>} naming it. */
		INCREMENT,

		/** {@code update()}: {@code peekLast} of a log prefix, then the next index with the op's id. */
		APPEND,

		/** {@code update()}: {@code peekLast} of a log prefix, then a delete of that last entry (a tombstone). */
		POP,

		/** A blind put of a key of its own, never written again. */
		PUT,

		/** A blind delete of one of the client's acknowledged puts. */
		DEL,

		/** A read of a counter: must see at least every increment acknowledged before it was issued. */
		GET

	}

	enum Outcome {

		/** The future completed normally. */
		ACK,

		/** {@link WriteConflictException}: not applied. */
		CONFLICT,

		/** Another typed failure ({@link LevelMutexException}): not applied. */
		NOT_APPLIED,

		/** {@link CommitOutcomeUnknownException}: applied or not, as the batch log tells. */
		UNKNOWN,

		/** Not a {@link LevelMutexException}: a defect. */
		RAW

	}

	private static final Pattern BATCH_ID = Pattern
		.compile("batch ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

	final String id;

	final int node;

	final Kind kind;

	final String mutex;

	/** INCREMENT, GET: the counter; APPEND: the log's prefix; PUT, DEL: the key. */
	final String key;

	/** GET: the highest value of its counter acknowledged before it was issued; otherwise 0. */
	final long floor;

	/** Completions of its future, counted by a dependent action registered at the call. */
	final AtomicInteger completions = new AtomicInteger();

	/** Set by the client's thread when its wait returned; then read by the test thread. */
	volatile @Nullable Outcome outcome;

	/**
	 * INCREMENT: the new value; APPEND: the index; POP: {@code <index>:<id>} of the entry removed ("" when the log
	 * was empty); GET: the value read ("" when absent).
	 */
	volatile @Nullable String result;

	/** The failure's type and message, for reports. */
	volatile @Nullable String failure;

	/** UNKNOWN: the batch the engine could not resolve, from the exception's message. */
	volatile @Nullable UUID unknownBatch;

	ModelOp(String id, int node, Kind kind, String mutex, String key, long floor) {
		this.id = id;
		this.node = node;
		this.kind = kind;
		this.mutex = mutex;
		this.key = key;
		this.floor = floor;
	}

	boolean isWrite() {
		return this.kind != Kind.GET;
	}

	void acknowledged(@Nullable Object value) {
		this.result = (value == null) ? "" : String.valueOf(value);
		this.outcome = Outcome.ACK;
	}

	/** Classifies a failure as the README's Failures section defines it. */
	void failed(Throwable cause) {
		this.failure = cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage()).replace('\n', ' ');
		if (cause instanceof WriteConflictException) {
			this.outcome = Outcome.CONFLICT;
		}
		else if (cause instanceof CommitOutcomeUnknownException) {
			this.unknownBatch = batchId(cause);
			this.outcome = Outcome.UNKNOWN;
		}
		else if (cause instanceof LevelMutexException) {
			this.outcome = Outcome.NOT_APPLIED;
		}
		else {
			this.outcome = Outcome.RAW;
		}
	}

	/** The batch id an engine's outcome-unknown message names ({@code "... batch <uuid> of keyspace ..."}). */
	static @Nullable UUID batchId(Throwable failure) {
		Matcher matcher = BATCH_ID.matcher(String.valueOf(failure.getMessage()));
		return matcher.find() ? UUID.fromString(matcher.group(1)) : null;
	}

	@Override
	public String toString() {
		return this.kind + " " + this.id + " on node " + this.node + " " + this.mutex + "/" + this.key + ": " + this.outcome
				+ ((this.result != null) ? " " + this.result : "") + ((this.failure != null) ? " (" + this.failure + ")" : "");
	}

}
