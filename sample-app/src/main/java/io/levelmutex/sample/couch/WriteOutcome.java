package io.levelmutex.sample.couch;

import org.jspecify.annotations.Nullable;

/**
 * What became of one document write: its new revision, or why it was refused.
 *
 * @param id the document's id
 * @param rev the new revision, {@code null} if refused
 * @param error why it was refused, {@code null} if written
 */
record WriteOutcome(String id, @Nullable String rev, @Nullable CouchException error) {

	static WriteOutcome written(String id, String rev) {
		return new WriteOutcome(id, rev, null);
	}

	static WriteOutcome refused(String id, CouchException error) {
		return new WriteOutcome(id, null, error);
	}

}
