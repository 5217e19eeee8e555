package io.levelmutex.sample.couch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Turns a request's JSON document into a checked {@link DocumentWrite}, with CouchDB's
 * rules: the id (from the path, else {@code _id}, else generated) must not start with
 * {@code _} unless it is a {@code _design/} or {@code _local/} id; the revision may come as
 * {@code _rev}, {@code ?rev=} or {@code If-Match}, and must be the same wherever it is
 * given; special members other than CouchDB's known ones are refused; the document's JSON
 * must fit {@link CouchProperties#maxDocumentSize()}. Every check happens before anything is
 * written. Thread-safe.
 */
@Component
final class DocumentParser {

	/** Special members CouchDB accepts in a document body and this server ignores. */
	private static final Set<String> IGNORED_SPECIALS = Set.of("_revisions", "_revs_info", "_conflicts",
			"_deleted_conflicts", "_local_seq");

	private static final byte[] EMPTY_OBJECT = { '{', '}' };

	private final JsonBodies bodies;

	private final long maxDocumentSize;

	DocumentParser(JsonBodies bodies, CouchProperties properties) {
		this.bodies = bodies;
		this.maxDocumentSize = properties.maxDocumentSize().toBytes();
	}

	/**
	 * Checks a document.
	 * @param doc the document's JSON (its special members are removed)
	 * @param pathId the id from the URL, or {@code null} to take {@code _id} or generate one
	 * @param requestRev the revision from {@code ?rev=} or {@code If-Match}, or {@code null}
	 */
	DocumentWrite parse(ObjectNode doc, @Nullable String pathId, @Nullable String requestRev) {
		String id = (pathId != null) ? pathId : idFrom(doc);
		DocumentIds.check(id);
		String rev = revision(doc.get("_rev"), requestRev);
		JsonNode deletedNode = doc.get("_deleted");
		boolean deleted = deletedNode != null && deletedNode.isBoolean() && deletedNode.booleanValue();
		stripSpecials(doc);
		byte[] body = this.bodies.mapper().writeValueAsBytes(doc);
		if (body.length > this.maxDocumentSize) {
			throw CouchException.documentTooLarge(id);
		}
		return DocumentWrite.of(id, rev, deleted, body);
	}

	/**
	 * A deletion, for {@code DELETE /{db}/{docid}}: a tombstone with an empty body.
	 */
	DocumentWrite deletion(String id, @Nullable String rev) {
		DocumentIds.check(id);
		return DocumentWrite.of(id, (rev != null) ? Revisions.checkFormat(rev) : null, true, EMPTY_OBJECT);
	}

	/**
	 * The one revision of a request given by {@code ?rev=} and {@code If-Match}.
	 * @throws CouchException 400 if they differ or are malformed
	 */
	static @Nullable String requestRevision(@Nullable String queryRev, @Nullable String ifMatch) {
		String headerRev = (ifMatch != null) ? unquote(ifMatch) : null;
		if (queryRev != null && headerRev != null && !queryRev.equals(headerRev)) {
			throw CouchException.badRequest("Document rev and etag have different values");
		}
		String rev = (queryRev != null) ? queryRev : headerRev;
		return (rev != null) ? Revisions.checkFormat(rev) : null;
	}

	private static String idFrom(ObjectNode doc) {
		JsonNode id = doc.get("_id");
		if (id == null) {
			return DocumentIds.generate();
		}
		if (!id.isString()) {
			throw CouchException.illegalDocId("Document id must be a string");
		}
		return id.stringValue();
	}

	private static @Nullable String revision(@Nullable JsonNode bodyRev, @Nullable String requestRev) {
		String rev = null;
		if (bodyRev != null && !bodyRev.isNull()) {
			if (!bodyRev.isString()) {
				throw CouchException.badRequest("Invalid rev format");
			}
			rev = Revisions.checkFormat(bodyRev.stringValue());
		}
		if (rev != null && requestRev != null && !rev.equals(requestRev)) {
			throw CouchException.badRequest("Document rev from request body and query string have different values");
		}
		return (rev != null) ? rev : requestRev;
	}

	private static void stripSpecials(ObjectNode doc) {
		List<String> specials = new ArrayList<>();
		for (String name : doc.propertyNames()) {
			if (!name.startsWith("_")) {
				continue;
			}
			if (name.equals("_id") || name.equals("_rev") || name.equals("_deleted")
					|| IGNORED_SPECIALS.contains(name)) {
				specials.add(name);
			}
			else if (name.equals("_attachments")) {
				throw CouchException.badRequest("Attachments are not supported by this server");
			}
			else {
				throw CouchException.docValidation("Bad special document member: " + name);
			}
		}
		doc.remove(specials);
	}

	private static String unquote(String etag) {
		String value = etag.trim();
		if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
			return value.substring(1, value.length() - 1);
		}
		return value;
	}

}
