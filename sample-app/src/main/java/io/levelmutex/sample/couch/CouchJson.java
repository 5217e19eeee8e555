package io.levelmutex.sample.couch;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

import org.springframework.stereotype.Component;

/**
 * Builds CouchDB's response bodies. Stored documents are embedded as raw JSON, never parsed
 * again. Thread-safe.
 */
@Component
final class CouchJson {

	private final JsonMapper mapper;

	CouchJson(JsonBodies bodies) {
		this.mapper = bodies.mapper();
	}

	ObjectNode object() {
		return this.mapper.createObjectNode();
	}

	ObjectNode ok() {
		return object().put("ok", true);
	}

	ObjectNode error(String error, String reason) {
		return object().put("error", error).put("reason", reason);
	}

	ObjectNode outcome(WriteOutcome outcome) {
		if (outcome.error() != null) {
			return object().put("id", outcome.id())
				.put("error", outcome.error().error())
				.put("reason", outcome.error().reason());
		}
		return ok().put("id", outcome.id()).put("rev", outcome.rev());
	}

	ObjectNode change(Database.Change change) {
		ObjectNode row = object().put("seq", change.seq()).put("id", change.id());
		row.putArray("changes").addObject().put("rev", change.rev());
		if (change.deleted()) {
			row.put("deleted", true);
		}
		if (change.doc() != null) {
			row.putRawValue("doc", new RawValue(change.doc()));
		}
		return row;
	}

	ObjectNode changesPage(Database.ChangesPage page) {
		ObjectNode body = object();
		ArrayNode results = body.putArray("results");
		for (Database.Change change : page.results()) {
			results.add(change(change));
		}
		return body.put("last_seq", page.lastSeq()).put("pending", page.pending());
	}

	ObjectNode allDocs(long totalRows, int offset, List<Database.AllDocsRow> rows) {
		ObjectNode body = object().put("total_rows", totalRows).put("offset", offset);
		ArrayNode array = body.putArray("rows");
		for (Database.AllDocsRow row : rows) {
			ObjectNode node = array.addObject().put("id", row.id()).put("key", row.id());
			node.putObject("value").put("rev", row.rev());
			if (row.doc() != null) {
				node.putRawValue("doc", new RawValue(row.doc()));
			}
		}
		return body;
	}

	byte[] bytes(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

}
