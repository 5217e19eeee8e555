package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Records every operation issued in one run, in issue order, and how its future completed:
 * the outcome (a normalized string), how many times it completed, and its place in the
 * global order of completions. Two runs of the same program (the mutex and the model) are
 * compared ledger against ledger. Thread-safe: every method is synchronized on the ledger.
 */
final class OperationLedger {

	/** What an operation is, for the order checks. */
	enum Kind {

		/** A get, peek or scan. */
		READ,

		/** A put, a delete, or an update that writes. */
		WRITE,

		/** An update whose function throws. */
		FAILING_UPDATE,

		/** An {@code afterWrite()} barrier. */
		BARRIER,

		/** A close; it has no future. */
		CLOSE

	}

	/** One issued operation; fields guarded by the ledger. */
	static final class Record {

		final int id;

		final String description;

		final Kind kind;

		int completions;

		@Nullable String outcome;

		@Nullable Throwable error;

		long completionOrder = -1;

		Record(int id, String description, Kind kind) {
			this.id = id;
			this.description = description;
			this.kind = kind;
		}

		@Override
		public String toString() {
			return "#" + this.id + " " + this.description + " -> " + this.outcome + " (completion "
					+ this.completionOrder + ")";
		}

	}

	private final List<Record> records = new ArrayList<>();

	private long completions;

	synchronized Record issue(String description, Kind kind) {
		Record record = new Record(this.records.size(), description, kind);
		this.records.add(record);
		return record;
	}

	/** The call threw instead of returning a future: nothing was queued. */
	synchronized void refused(Record record, RuntimeException error) {
		record.completions++;
		record.outcome = "refused:" + error.getClass().getSimpleName();
		record.error = error;
		record.completionOrder = this.completions++;
	}

	synchronized void closed(Record record) {
		record.completions++;
		record.outcome = "closed";
		record.completionOrder = this.completions++;
	}

	/** Watches the future; registered before any callback of the program. */
	void track(Record record, CompletableFuture<?> future) {
		future.whenComplete((value, error) -> completed(record, value, error));
	}

	private synchronized void completed(Record record, @Nullable Object value, @Nullable Throwable error) {
		record.completions++;
		record.completionOrder = this.completions++;
		Throwable cause = unwrap(error);
		record.error = cause;
		record.outcome = (cause != null) ? "failed:" + describe(cause) : "ok:" + format(value);
	}

	synchronized List<Record> records() {
		return List.copyOf(this.records);
	}

	/** Every operation completed exactly once (refusals and closes count as completions). */
	synchronized List<String> notCompletedExactlyOnce() {
		List<String> problems = new ArrayList<>();
		for (Record record : this.records) {
			if (record.completions != 1) {
				problems.add(record + " completed " + record.completions + " times");
			}
		}
		return problems;
	}

	/**
	 * Writes that produced batch operations completed in issue order, and every barrier
	 * completed after every write issued before it.
	 */
	synchronized List<String> orderViolations() {
		List<String> problems = new ArrayList<>();
		Record lastWrite = null;
		long latestEarlierCompletion = -1;
		Record latestEarlier = null;
		for (Record record : this.records) {
			boolean queued = record.outcome != null && !record.outcome.startsWith("refused:");
			if (!queued) {
				continue;
			}
			if (record.kind == Kind.WRITE) {
				if (lastWrite != null && record.completionOrder < lastWrite.completionOrder) {
					problems.add("write " + record + " completed before the earlier " + lastWrite);
				}
				lastWrite = record;
			}
			if (record.kind == Kind.BARRIER && latestEarlier != null
					&& record.completionOrder < latestEarlierCompletion) {
				problems.add("afterWrite " + record + " completed before the earlier " + latestEarlier);
			}
			if ((record.kind == Kind.WRITE || record.kind == Kind.FAILING_UPDATE || record.kind == Kind.BARRIER)
					&& record.completionOrder > latestEarlierCompletion) {
				latestEarlierCompletion = record.completionOrder;
				latestEarlier = record;
			}
		}
		return problems;
	}

	static @Nullable Throwable unwrap(@Nullable Throwable error) {
		Throwable cause = error;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	static String describe(Throwable error) {
		if (error instanceof ModelFailure model) {
			return model.kind;
		}
		if (error instanceof GuaranteeScenarios.UpdateBoom) {
			return "UpdateBoom:" + error.getMessage();
		}
		return error.getClass().getSimpleName();
	}

	static String format(@Nullable Object value) {
		if (value instanceof Optional<?> optional) {
			return optional.map(OperationLedger::format).orElse("none");
		}
		if (value instanceof Entry<?, ?> entry) {
			return entry.key() + "=" + entry.value();
		}
		if (value instanceof List<?> list) {
			List<String> parts = new ArrayList<>();
			list.forEach((item) -> parts.add(format(item)));
			return parts.toString();
		}
		return String.valueOf(value);
	}

	/** A failure the model predicts, named by the exception the mutex must fail with. */
	static final class ModelFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		final String kind;

		ModelFailure(String kind) {
			super(kind, null, false, false);
			this.kind = kind;
		}

	}

}
