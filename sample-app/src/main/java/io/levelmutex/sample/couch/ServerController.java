package io.levelmutex.sample.couch;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The server-level routes: {@code GET /}, {@code GET /_all_dbs}, {@code GET /_uuids},
 * {@code GET /_up}.
 */
@RestController
final class ServerController {

	/** The CouchDB version whose API this server follows, as clients may check it. */
	static final String COUCHDB_VERSION = "3.3.3";

	private static final int MAX_UUIDS = 1000;

	private final DatabaseCatalog databases;

	private final CouchJson json;

	ServerController(DatabaseCatalog databases, CouchJson json) {
		this.databases = databases;
		this.json = json;
	}

	@GetMapping("/")
	ObjectNode welcome() {
		ObjectNode body = this.json.object().put("couchdb", "Welcome").put("version", COUCHDB_VERSION);
		body.putArray("features");
		body.putObject("vendor").put("name", "level-mutex sample-app");
		return body;
	}

	@GetMapping("/_all_dbs")
	CompletableFuture<List<String>> allDatabases() {
		return this.databases.list();
	}

	@GetMapping("/_uuids")
	ObjectNode uuids(@RequestParam(required = false) @Nullable String count) {
		int n = QueryParams.nonNegative("count", count, 1);
		if (n > MAX_UUIDS) {
			throw CouchException.badRequest("count parameter too large");
		}
		ObjectNode body = this.json.object();
		ArrayNode uuids = body.putArray("uuids");
		for (int i = 0; i < n; i++) {
			uuids.add(DocumentIds.generate());
		}
		return body;
	}

	@GetMapping("/_up")
	ObjectNode up() {
		return this.json.object().put("status", "ok");
	}

}
