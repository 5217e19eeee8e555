package io.levelmutex.reliability.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * Seeded generators of hostile HTTP input for the sample app: database names and document
 * ids (valid, reserved, path-like, oversized, encoded), query strings, headers and bodies
 * (valid documents, broken JSON, non-objects, deep nesting, wrong revisions, bulk requests,
 * invalid UTF-8, bodies over the size limit).
 */
final class HttpInputs {

	static final List<String> METHODS = List.of("GET", "GET", "GET", "PUT", "PUT", "PUT", "POST", "POST", "DELETE",
			"DELETE", "HEAD", "PATCH", "OPTIONS", "COPY", "TRACE", "PROPFIND");

	private final Random random;

	private final List<String> databases;

	/** Latest revision of each document written, by "db/id", to make some updates valid. */
	// Shared with the test thread that drives this generator, and only used by it.
	private final Map<String, String> revisions;

	HttpInputs(Random random, List<String> databases, Map<String, String> revisions) {
		this.random = random;
		this.databases = databases;
		this.revisions = revisions;
	}

	String method() {
		return METHODS.get(this.random.nextInt(METHODS.size()));
	}

	/** A database name, raw (not yet encoded). */
	String database() {
		if (this.random.nextInt(100) < 70) {
			return this.databases.get(this.random.nextInt(this.databases.size()));
		}
		return pick("", "A", "_users", "_bad", "9abc", "a".repeat(300), "..", "../outside", "a/b", "a\u0000b",
				"été", "a b", "x".repeat(3000), "_all_dbs", "_utils", "$", "a$()+-_/z");
	}

	/** A document id, raw. */
	String docId() {
		if (this.random.nextInt(100) < 65) {
			return "doc-" + this.random.nextInt(6);
		}
		return pick("_design/ddoc", "_local/loc", "_bad", "a/b", "x".repeat(9000), "\u0000", "\uFFFE", "../../etc/passwd",
				"_all_docs", "_changes", "_bulk_docs", "%", "\uD83D\uDE00", " ");
	}

	String query() {
		StringBuilder query = new StringBuilder();
		for (int i = 0, n = this.random.nextInt(4); i < n; i++) {
			query.append((i == 0) ? "?" : "&");
			query.append(pick("rev=" + encode(pick("1-abc", "garbage", "0-", "", "99999999999999999999-x")),
					"since=" + pick("0", "-1", "now", "abc", "999999999999", "1.5"),
					"limit=" + pick("0", "1", "-5", "abc", "9999999999"), "skip=" + pick("0", "3", "-1", "x"),
					"descending=" + pick("true", "false", "yes"), "include_docs=" + pick("true", "false", "1"),
					"startkey=" + encode(pick("\"doc-1\"", "doc-1", "{", "[1]", "null")),
					"endkey=" + encode(pick("\"doc-4\"", "}", "\"\\ud800\"")),
					"feed=" + pick("normal", "longpoll", "continuous", "eventsource", "bogus") + "&timeout=50",
					"count=" + pick("1", "0", "-1", "100000"), "=", "&&"));
		}
		return query.toString();
	}

	String path() {
		String db = encode(database());
		String doc = encode(docId());
		return switch (this.random.nextInt(14)) {
			case 0 -> "/";
			case 1 -> "/_all_dbs";
			case 2 -> "/_uuids" + query();
			case 3, 4 -> "/" + db;
			case 5, 6, 7 -> "/" + db + "/" + doc + query();
			case 8 -> "/" + db + "/_all_docs" + query();
			case 9 -> "/" + db + "/_changes" + query();
			case 10 -> "/" + db + "/_bulk_docs";
			case 11 -> "/" + db + "/" + doc + "/attachment.txt";
			case 12 -> pick("/_utils", "/_session", "/_config", "/%2e%2e/%2e%2e/etc/passwd", "/..;/x", "/a/b/c/d/e",
					"/" + db + "/_design/x/_view/y", "/actuator/health", "/;jsessionid=x", "/" + "x".repeat(4000));
			default -> "/" + encode(randomText(1 + this.random.nextInt(40)));
		};
	}

	/** Headers as name/value pairs, never ones HttpClient refuses to set. */
	String[] headers(@Nullable Body body) {
		String contentType = pick("application/json", "application/json", "application/json; charset=utf-8",
				"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "???", "");
		String[] headers = switch (this.random.nextInt(5)) {
			case 0 -> new String[] { "If-Match", pick("\"1-abc\"", "garbage", "", "*") };
			case 1 -> new String[] { "Accept", pick("text/html", "application/xml", "*/*", "nothing/at-all") };
			case 2 -> new String[] { "X-Garbage", asciiText(200) };
			case 3 -> new String[] { "Accept-Encoding", "gzip, br, zstd" };
			default -> new String[0];
		};
		if (body == null || contentType.isEmpty()) {
			return headers;
		}
		String[] withType = java.util.Arrays.copyOf(headers, headers.length + 2);
		withType[headers.length] = "Content-Type";
		withType[headers.length + 1] = contentType;
		return withType;
	}

	/** A request body, or {@code null} for none. */
	@Nullable Body body(String db, String docId) {
		String rev = this.revisions.get(db + "/" + docId);
		return switch (this.random.nextInt(16)) {
			case 0 -> null;
			case 1, 2, 3 -> Body.json("{\"n\":" + this.random.nextInt(1000) + ",\"s\":\"" + escape(randomText(12)) + "\"}");
			case 4, 5 -> Body.json("{\"n\":" + this.random.nextInt(1000) + ((rev != null) ? ",\"_rev\":\"" + rev + "\"" : "")
					+ "}");
			case 6 -> Body.json(pick("{", "[1,2]", "42", "\"text\"", "null", "", "{\"a\":}", "{\"_rev\":5}",
					"{\"_rev\":\"1-zzz\"}", "{\"_id\":\"_bad\"}", "{\"_id\":17}", "{\"_deleted\":\"yes\"}",
					"{\"_attachments\":{\"a\":{\"data\":\"!!\"}}}", "{\"a\":1,\"a\":2}", "{\"\":\"\"}", "{\"_foo\":1}"));
			case 7 -> Body.json("[".repeat(3000) + "]".repeat(3000));
			case 8 -> Body.json("{\"a\":".repeat(2000) + "1" + "}".repeat(2000));
			case 9, 10 -> Body.json("{\"docs\":[" + bulkDoc() + "," + bulkDoc() + "," + bulkDoc() + "]}");
			case 11 -> Body.json(pick("{\"docs\":\"no\"}", "{\"docs\":[1,2]}", "{\"docs\":[]}", "{\"new_edits\":false,\"docs\":[{}]}",
					"{\"docs\":[{\"_id\":\"_design/d\"},{\"_id\":\"\"}]}"));
			case 12 -> new Body(new byte[] { (byte) 0xC3, 0x28, (byte) 0xFF, '{', '}' });
			case 13 -> Body.json("{\"big\":\"" + "x".repeat(this.random.nextInt(20) == 0 ? 9 * 1024 * 1024 : 100_000) + "\"}");
			default -> Body.json("{\"keys\":[\"doc-1\",\"doc-2\",17,null]}");
		};
	}

	private String bulkDoc() {
		String id = "doc-" + this.random.nextInt(6);
		return switch (this.random.nextInt(5)) {
			case 0 -> "{\"n\":1}";
			case 1 -> "{\"_id\":\"" + id + "\",\"n\":2}";
			case 2 -> "{\"_id\":\"" + id + "\",\"_rev\":\"1-bogus\"}";
			case 3 -> "{\"_id\":\"_bad\"}";
			default -> "{\"_id\":\"" + id + "\",\"_deleted\":true}";
		};
	}

	String randomText(int length) {
		String punctuation = " /%?#&=.\\\"'<>{}[]";
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			int kind = this.random.nextInt(10);
			text.append((char) ((kind < 6) ? 'a' + this.random.nextInt(26)
					: (kind < 8) ? punctuation.charAt(this.random.nextInt(punctuation.length()))
							: 0x80 + this.random.nextInt(0x700)));
		}
		return text.toString();
	}

	private String asciiText(int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.append((char) (0x21 + this.random.nextInt(0x5d)));
		}
		return text.toString();
	}

	@SafeVarargs
	private <T> T pick(T... options) {
		return options[this.random.nextInt(options.length)];
	}

	static String encode(String raw) {
		return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static String escape(String text) {
		return text.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	/**
	 * A request body.
	 * @param bytes its bytes
	 */
	record Body(byte[] bytes) {

		static Body json(String text) {
			return new Body(text.getBytes(StandardCharsets.UTF_8));
		}

	}

}
