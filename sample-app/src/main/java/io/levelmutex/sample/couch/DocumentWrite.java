package io.levelmutex.sample.couch;

import org.jspecify.annotations.Nullable;

/**
 * One document write, checked and encoded before it reaches the mutex, so that the
 * conditional write only compares revisions.
 *
 * @param id the document's id, checked
 * @param rev the revision the writer holds, {@code null} for none
 * @param deleted whether the write deletes the document
 * @param body the document's JSON without special members
 * @param hash the MD5 of the new revision's content
 */
record DocumentWrite(String id, @Nullable String rev, boolean deleted, byte[] body, String hash) {

	static DocumentWrite of(String id, @Nullable String rev, boolean deleted, byte[] body) {
		return new DocumentWrite(id, rev, deleted, body, Revisions.contentHash(deleted, body));
	}

}
