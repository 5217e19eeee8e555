package io.levelmutex.sample.couch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the CouchDB API, under {@code couch.*}.
 *
 * @param maxRequestSize the largest request body accepted; larger ones get 413
 * {@code too_large} before anything is written
 * @param maxDocumentSize the largest document (its JSON, without {@code _id} and
 * {@code _rev}); larger ones get 413 {@code document_too_large}
 * @param maxBulkDocs the most documents in one {@code _bulk_docs} request (all of them are
 * committed in one batch); more get 413 {@code max_bulk_docs_count_exceeded}
 * @param changesTimeout how long a {@code longpoll} or {@code continuous} {@code _changes}
 * feed waits for a change when the request gives no {@code timeout}
 * @param maxChangesTimeout the longest {@code timeout} a feed may ask for
 * @param scanChunk the most keys one read phase examines for {@code _all_docs},
 * {@code _all_dbs} and {@code _changes}; longer scans continue in further read phases
 * @param updateAttempts how many times a document write runs at most when the engine rejects
 * it because another instance wrote to the same database first (on PostgreSQL; on RocksDB
 * one attempt always suffices); after the last one the request gets 503
 * {@code service_unavailable}
 */
@ConfigurationProperties("couch")
record CouchProperties(@DefaultValue("8MB") DataSize maxRequestSize, @DefaultValue("4MB") DataSize maxDocumentSize,
		@DefaultValue("2000") int maxBulkDocs, @DefaultValue("60s") Duration changesTimeout,
		@DefaultValue("10m") Duration maxChangesTimeout, @DefaultValue("512") int scanChunk,
		@DefaultValue("30") int updateAttempts) {

	CouchProperties {
		if (maxBulkDocs < 1 || scanChunk < 1 || updateAttempts < 1) {
			throw new IllegalArgumentException(
					"couch.max-bulk-docs, couch.scan-chunk and couch.update-attempts must be at least 1");
		}
	}

}
