package io.levelmutex.sample.couch;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses CouchDB query parameters, answering malformed ones with 400
 * {@code query_parse_error} as CouchDB does.
 */
final class QueryParams {

	private QueryParams() {
	}

	static boolean bool(String name, @Nullable String value, boolean fallback) {
		if (value == null) {
			return fallback;
		}
		return switch (value) {
			case "true" -> true;
			case "false" -> false;
			default -> throw CouchException.queryParseError("Invalid boolean parameter: \"" + value + "\"");
		};
	}

	static int nonNegative(String name, @Nullable String value, int fallback) {
		if (value == null) {
			return fallback;
		}
		try {
			int result = Integer.parseInt(value);
			if (result < 0) {
				throw CouchException.queryParseError("Invalid value for positive integer: \"" + value + "\"");
			}
			return result;
		}
		catch (NumberFormatException ex) {
			throw CouchException.queryParseError("Invalid value for integer: \"" + value + "\"");
		}
	}

	/** A key given as JSON, e.g. {@code startkey="abc"}; document ids are strings. */
	static @Nullable String jsonString(JsonMapper mapper, String name, @Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			JsonNode node = mapper.readTree(value);
			if (node == null || !node.isString()) {
				throw CouchException.queryParseError("Invalid value for " + name + ": document ids are JSON strings");
			}
			return node.stringValue();
		}
		catch (JacksonException ex) {
			throw CouchException.queryParseError("Invalid JSON in " + name + ": " + value);
		}
	}

	/**
	 * A {@code since} sequence: a number, a CouchDB 2+ style {@code "N-opaque"} string, or
	 * {@code now} (returned as -1).
	 */
	static long since(@Nullable String value) {
		if (value == null) {
			return 0;
		}
		if (value.equals("now")) {
			return -1;
		}
		String number = value;
		if (number.startsWith("\"") && number.endsWith("\"") && number.length() >= 2) {
			number = number.substring(1, number.length() - 1);
		}
		int dash = number.indexOf('-');
		if (dash > 0) {
			number = number.substring(0, dash);
		}
		try {
			long seq = Long.parseLong(number);
			if (seq < 0) {
				throw CouchException.badRequest("Malformed sequence supplied in 'since' parameter.");
			}
			return seq;
		}
		catch (NumberFormatException ex) {
			throw CouchException.badRequest("Malformed sequence supplied in 'since' parameter.");
		}
	}

}
