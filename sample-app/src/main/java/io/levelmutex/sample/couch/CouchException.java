package io.levelmutex.sample.couch;

import org.springframework.http.HttpStatus;

/**
 * A request CouchDB would refuse, with the status and the {@code error}/{@code reason} pair
 * CouchDB answers with. Thrown before anything is written, or instead of writing.
 */
final class CouchException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final HttpStatus status;

	private final String error;

	CouchException(HttpStatus status, String error, String reason) {
		super(reason, null, false, false);
		this.status = status;
		this.error = error;
	}

	HttpStatus status() {
		return this.status;
	}

	String error() {
		return this.error;
	}

	String reason() {
		return getMessage();
	}

	/**
	 * CouchDB's {@code error} name for an HTTP error status that no specific refusal
	 * names: {@code not_found}, {@code method_not_allowed}, {@code too_large},
	 * {@code bad_request} for the other 4xx, {@code unknown_error} for 5xx.
	 */
	static String errorName(int status) {
		return switch (status) {
			case 404 -> "not_found";
			case 405 -> "method_not_allowed";
			case 413 -> "too_large";
			default -> (status >= 400 && status < 500) ? "bad_request" : "unknown_error";
		};
	}

	static CouchException badRequest(String reason) {
		return new CouchException(HttpStatus.BAD_REQUEST, "bad_request", reason);
	}

	static CouchException invalidJson() {
		return badRequest("invalid UTF-8 JSON");
	}

	static CouchException notAnObject() {
		return badRequest("Document must be a JSON object");
	}

	static CouchException queryParseError(String reason) {
		return new CouchException(HttpStatus.BAD_REQUEST, "query_parse_error", reason);
	}

	static CouchException illegalDocId(String reason) {
		return new CouchException(HttpStatus.BAD_REQUEST, "illegal_docid", reason);
	}

	static CouchException docValidation(String reason) {
		return new CouchException(HttpStatus.BAD_REQUEST, "doc_validation", reason);
	}

	static CouchException illegalDatabaseName(String name) {
		return new CouchException(HttpStatus.BAD_REQUEST, "illegal_database_name", "Name: '" + name
				+ "'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -,"
				+ " and / are allowed. Must begin with a letter.");
	}

	static CouchException databaseMissing() {
		return new CouchException(HttpStatus.NOT_FOUND, "not_found", "Database does not exist.");
	}

	static CouchException missing() {
		return new CouchException(HttpStatus.NOT_FOUND, "not_found", "missing");
	}

	static CouchException deleted() {
		return new CouchException(HttpStatus.NOT_FOUND, "not_found", "deleted");
	}

	static CouchException conflict() {
		return new CouchException(HttpStatus.CONFLICT, "conflict", "Document update conflict.");
	}

	static CouchException fileExists() {
		return new CouchException(HttpStatus.PRECONDITION_FAILED, "file_exists",
				"The database could not be created, the file already exists.");
	}

	static CouchException tooLarge() {
		return new CouchException(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the request entity is too large");
	}

	static CouchException documentTooLarge(String docId) {
		return new CouchException(HttpStatus.CONTENT_TOO_LARGE, "document_too_large", docId);
	}

	static CouchException bulkDocsCountExceeded(int max) {
		return new CouchException(HttpStatus.CONTENT_TOO_LARGE, "max_bulk_docs_count_exceeded",
				Integer.toString(max));
	}

	static CouchException badContentType() {
		return new CouchException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "bad_content_type",
				"Content-Type must be application/json");
	}

}
