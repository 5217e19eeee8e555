package io.levelmutex.sample.couch;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

/**
 * The database routes: {@code PUT}, {@code GET}, {@code DELETE /{db}} and
 * {@code POST /{db}} (a new document with a server-generated id unless the body has an
 * {@code _id}). Database names may contain {@code /}, sent as {@code %2F}.
 */
@RestController
final class DatabaseController {

	private final DatabaseCatalog databases;

	private final JsonBodies bodies;

	private final DocumentParser parser;

	private final CouchJson json;

	DatabaseController(DatabaseCatalog databases, JsonBodies bodies, DocumentParser parser, CouchJson json) {
		this.databases = databases;
		this.bodies = bodies;
		this.parser = parser;
		this.json = json;
	}

	@PutMapping("/{db}")
	CompletableFuture<ResponseEntity<ObjectNode>> create(@PathVariable String db) {
		return this.databases.create(db)
			.thenApply((database) -> ResponseEntity.created(URI.create("/" + encode(db))).body(this.json.ok()));
	}

	@GetMapping("/{db}")
	CompletableFuture<ObjectNode> info(@PathVariable String db) {
		return this.databases.open(db).thenCompose(Database::info).thenApply((info) -> {
			ObjectNode body = this.json.object()
				.put("db_name", db)
				.put("doc_count", info.docCount())
				.put("doc_del_count", info.deletedCount())
				.put("update_seq", info.updateSeq())
				.put("purge_seq", 0)
				.put("compact_running", false)
				.put("instance_start_time", "0");
			body.putObject("sizes").put("active", 0).put("external", 0).put("file", 0);
			body.putObject("props");
			return body;
		});
	}

	@DeleteMapping("/{db}")
	CompletableFuture<ObjectNode> delete(@PathVariable String db, @RequestParam(required = false) @Nullable String rev) {
		if (rev != null) {
			throw CouchException.badRequest(
					"You tried to DELETE a database with a ?=rev parameter. Did you mean to DELETE a document instead?");
		}
		return this.databases.delete(db).thenApply((done) -> this.json.ok());
	}

	@PostMapping("/{db}")
	CompletableFuture<ResponseEntity<ObjectNode>> post(@PathVariable String db, HttpServletRequest request) {
		DocumentIds.checkDatabaseName(db);
		DocumentWrite write = this.parser.parse(this.bodies.readJsonPost(request), null, null);
		return this.databases.open(db)
			.thenCompose((database) -> database.write(List.of(write)))
			.thenApply((outcomes) -> DocumentController.created(db, outcomes.get(0), this.json, HttpStatus.CREATED));
	}

	static String encode(String segment) {
		return UriUtils.encodePathSegment(segment, StandardCharsets.UTF_8);
	}

}
