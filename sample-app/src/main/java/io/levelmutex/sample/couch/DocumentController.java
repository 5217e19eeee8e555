package io.levelmutex.sample.couch;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The document routes: {@code GET}, {@code PUT}, {@code DELETE /{db}/{docid}} (and the
 * {@code _design/} and {@code _local/} forms), {@code POST /{db}/_bulk_docs},
 * {@code GET} and {@code POST /{db}/_all_docs}. Every write is checked completely before the
 * database's mutex sees it, and committed by one conditional write.
 */
@RestController
final class DocumentController {

	private final DatabaseCatalog databases;

	private final JsonBodies bodies;

	private final DocumentParser parser;

	private final CouchJson json;

	private final int maxBulkDocs;

	DocumentController(DatabaseCatalog databases, JsonBodies bodies, DocumentParser parser, CouchJson json,
			CouchProperties properties) {
		this.databases = databases;
		this.bodies = bodies;
		this.parser = parser;
		this.json = json;
		this.maxBulkDocs = properties.maxBulkDocs();
	}

	@GetMapping("/{db}/{docid}")
	CompletableFuture<ResponseEntity<byte[]>> get(@PathVariable String db, @PathVariable String docid,
			@RequestParam(required = false) @Nullable String rev) {
		DocumentIds.checkDatabaseName(db);
		DocumentIds.check(docid);
		return this.databases.open(db).thenCompose((database) -> database.get(docid)).thenApply((record) -> {
			DocumentRecord found = record.orElseThrow(CouchException::missing);
			if (rev != null && !rev.equals(found.rev())) {
				throw CouchException.missing();
			}
			if (found.deleted() && rev == null) {
				throw CouchException.deleted();
			}
			return ResponseEntity.ok()
				.eTag(found.rev())
				.contentType(MediaType.APPLICATION_JSON)
				.body(found.toJson(docid));
		});
	}

	@GetMapping("/{db}/_design/{ddoc}")
	CompletableFuture<ResponseEntity<byte[]>> getDesign(@PathVariable String db, @PathVariable String ddoc,
			@RequestParam(required = false) @Nullable String rev) {
		return get(db, DocumentIds.DESIGN_PREFIX + ddoc, rev);
	}

	@GetMapping("/{db}/_local/{id}")
	CompletableFuture<ResponseEntity<byte[]>> getLocal(@PathVariable String db, @PathVariable String id,
			@RequestParam(required = false) @Nullable String rev) {
		return get(db, DocumentIds.LOCAL_PREFIX + id, rev);
	}

	@PutMapping("/{db}/{docid}")
	CompletableFuture<ResponseEntity<ObjectNode>> put(@PathVariable String db, @PathVariable String docid,
			@RequestParam(required = false) @Nullable String rev,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			HttpServletRequest request) {
		DocumentIds.checkDatabaseName(db);
		DocumentIds.check(docid);
		DocumentWrite write = this.parser.parse(this.bodies.readObject(request), docid,
				DocumentParser.requestRevision(rev, ifMatch));
		return write(db, write, HttpStatus.CREATED);
	}

	@PutMapping("/{db}/_design/{ddoc}")
	CompletableFuture<ResponseEntity<ObjectNode>> putDesign(@PathVariable String db, @PathVariable String ddoc,
			@RequestParam(required = false) @Nullable String rev,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			HttpServletRequest request) {
		return put(db, DocumentIds.DESIGN_PREFIX + ddoc, rev, ifMatch, request);
	}

	@PutMapping("/{db}/_local/{id}")
	CompletableFuture<ResponseEntity<ObjectNode>> putLocal(@PathVariable String db, @PathVariable String id,
			@RequestParam(required = false) @Nullable String rev,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			HttpServletRequest request) {
		return put(db, DocumentIds.LOCAL_PREFIX + id, rev, ifMatch, request);
	}

	@DeleteMapping("/{db}/{docid}")
	CompletableFuture<ResponseEntity<ObjectNode>> delete(@PathVariable String db, @PathVariable String docid,
			@RequestParam(required = false) @Nullable String rev,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		DocumentIds.checkDatabaseName(db);
		DocumentWrite write = this.parser.deletion(docid, DocumentParser.requestRevision(rev, ifMatch));
		return write(db, write, HttpStatus.OK);
	}

	@DeleteMapping("/{db}/_design/{ddoc}")
	CompletableFuture<ResponseEntity<ObjectNode>> deleteDesign(@PathVariable String db, @PathVariable String ddoc,
			@RequestParam(required = false) @Nullable String rev,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return delete(db, DocumentIds.DESIGN_PREFIX + ddoc, rev, ifMatch);
	}

	@DeleteMapping("/{db}/_local/{id}")
	CompletableFuture<ResponseEntity<ObjectNode>> deleteLocal(@PathVariable String db, @PathVariable String id,
			@RequestParam(required = false) @Nullable String rev,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return delete(db, DocumentIds.LOCAL_PREFIX + id, rev, ifMatch);
	}

	@PostMapping("/{db}/_bulk_docs")
	CompletableFuture<ResponseEntity<ArrayNode>> bulkDocs(@PathVariable String db, HttpServletRequest request) {
		DocumentIds.checkDatabaseName(db);
		ObjectNode body = this.bodies.readJsonPost(request);
		JsonNode newEdits = body.get("new_edits");
		if (newEdits != null && newEdits.isBoolean() && !newEdits.booleanValue()) {
			throw CouchException.badRequest("new_edits=false is not supported by this server");
		}
		JsonNode docs = body.get("docs");
		if (docs == null) {
			throw CouchException.badRequest("POST body must include `docs` parameter.");
		}
		if (!docs.isArray()) {
			throw CouchException.badRequest("`docs` parameter must be an array.");
		}
		if (docs.size() > this.maxBulkDocs) {
			throw CouchException.bulkDocsCountExceeded(this.maxBulkDocs);
		}
		List<DocumentWrite> writes = new ArrayList<>(docs.size());
		for (JsonNode doc : docs) {
			if (!(doc instanceof ObjectNode object)) {
				throw CouchException.notAnObject();
			}
			writes.add(this.parser.parse(object, null, null));
		}
		return this.databases.open(db)
			.thenCompose((database) -> writes.isEmpty() ? CompletableFuture.completedFuture(List.<WriteOutcome>of())
					: database.write(writes))
			.thenApply((outcomes) -> {
				ArrayNode results = this.json.object().arrayNode();
				for (WriteOutcome outcome : outcomes) {
					results.add(this.json.outcome(outcome));
				}
				return ResponseEntity.status(HttpStatus.CREATED).body(results);
			});
	}

	@GetMapping("/{db}/_all_docs")
	CompletableFuture<ObjectNode> allDocs(@PathVariable String db, HttpServletRequest request) {
		DocumentIds.checkDatabaseName(db);
		Database.AllDocsQuery query = allDocsQuery(request);
		return this.databases.open(db)
			.thenCompose((database) -> database.info()
				.thenCombine(database.allDocs(query),
						(info, rows) -> this.json.allDocs(info.docCount(), query.skip(), rows)));
	}

	@PostMapping("/{db}/_all_docs")
	CompletableFuture<ObjectNode> allDocsByKeys(@PathVariable String db, HttpServletRequest request) {
		DocumentIds.checkDatabaseName(db);
		ObjectNode body = this.bodies.readJsonPost(request);
		JsonNode keys = body.get("keys");
		if (keys == null) {
			return allDocs(db, request);
		}
		if (!keys.isArray()) {
			throw CouchException.badRequest("`keys` body member must be an array.");
		}
		List<String> ids = new ArrayList<>();
		for (JsonNode key : keys) {
			if (!key.isString()) {
				throw CouchException.badRequest("`keys` member must be an array of document ids (strings).");
			}
			ids.add(key.stringValue());
		}
		boolean includeDocs = QueryParams.bool("include_docs", request.getParameter("include_docs"), false);
		return this.databases.open(db)
			.thenCompose((database) -> database.info()
				.thenCombine(database.getAll(ids), (info, records) -> keyRows(info.docCount(), ids, records,
						includeDocs)));
	}

	private ObjectNode keyRows(long totalRows, List<String> ids, List<Optional<DocumentRecord>> records,
			boolean includeDocs) {
		ObjectNode body = this.json.object().put("total_rows", totalRows).put("offset", 0);
		ArrayNode rows = body.putArray("rows");
		for (int i = 0; i < ids.size(); i++) {
			String id = ids.get(i);
			Optional<DocumentRecord> record = records.get(i);
			if (record.isEmpty() || !DocumentIds.isWellFormed(id)) {
				// A key with a lone surrogate names no document: looked up, it reads as '?'.
				rows.addObject().put("key", id).put("error", "not_found");
				continue;
			}
			ObjectNode row = rows.addObject().put("id", id).put("key", id);
			ObjectNode value = row.putObject("value").put("rev", record.get().rev());
			if (record.get().deleted()) {
				value.put("deleted", true);
				if (includeDocs) {
					row.putNull("doc");
				}
			}
			else if (includeDocs) {
				row.putRawValue("doc", new RawValue(record.get().toJsonString(id)));
			}
		}
		return body;
	}

	private Database.AllDocsQuery allDocsQuery(HttpServletRequest request) {
		var mapper = this.bodies.mapper();
		String key = QueryParams.jsonString(mapper, "key", request.getParameter("key"));
		String start = QueryParams.jsonString(mapper, "startkey", first(request, "startkey", "start_key"));
		String end = QueryParams.jsonString(mapper, "endkey", first(request, "endkey", "end_key"));
		if (key != null) {
			start = key;
			end = key;
		}
		return new Database.AllDocsQuery(start, end,
				QueryParams.bool("inclusive_end", request.getParameter("inclusive_end"), true),
				QueryParams.nonNegative("limit", request.getParameter("limit"), Integer.MAX_VALUE),
				QueryParams.nonNegative("skip", request.getParameter("skip"), 0),
				QueryParams.bool("descending", request.getParameter("descending"), false),
				QueryParams.bool("include_docs", request.getParameter("include_docs"), false));
	}

	private static @Nullable String first(HttpServletRequest request, String name, String alias) {
		String value = request.getParameter(name);
		return (value != null) ? value : request.getParameter(alias);
	}

	private CompletableFuture<ResponseEntity<ObjectNode>> write(String db, DocumentWrite write, HttpStatus status) {
		return this.databases.open(db)
			.thenCompose((database) -> database.write(List.of(write)))
			.thenApply((outcomes) -> created(db, outcomes.get(0), this.json, status));
	}

	/**
	 * The answer to a single-document write: {@code {"ok":true,"id":..,"rev":..}} with the
	 * revision as ETag, or the refusal as an exception.
	 */
	static ResponseEntity<ObjectNode> created(String db, WriteOutcome outcome, CouchJson json, HttpStatus status) {
		if (outcome.error() != null) {
			throw outcome.error();
		}
		String location = "/" + DatabaseController.encode(db) + "/" + DatabaseController.encode(outcome.id());
		return ResponseEntity.status(status)
			.eTag(outcome.rev())
			.location(URI.create(location))
			.body(json.outcome(outcome));
	}

}
