/**
 * The CouchDB HTTP API subset: databases (one mutex each, listed in the {@code databases}
 * mutex), documents with revisions, {@code _bulk_docs}, {@code _all_docs} and the
 * {@code _changes} feed.
 */
@NullMarked
package io.levelmutex.sample.couch;

import org.jspecify.annotations.NullMarked;
